package io.sensorproof.gateway.core;

import java.time.Duration;
import java.util.Objects;

/**
 * Time checks of the pipeline. Both are measured from the gateway's receive time
 * ({@link InboundMessage#receivedAt()}).
 *
 * @param futureSkew how far a reading's time may lie ahead of the receive time before the message
 *     is refused with {@code FUTURE_TIMESTAMP} (default 5 minutes); covers ordinary clock drift of
 *     devices and gateway replicas
 * @param lateAfter readings older than this at receive time are accepted and flagged late (default
 *     15 minutes); the agent's outbox delivers old readings after an outage, so age alone never
 *     refuses a reading
 */
public record IngestSettings(Duration futureSkew, Duration lateAfter) {
    /** Default of {@link #futureSkew()}. */
    public static final Duration DEFAULT_FUTURE_SKEW = Duration.ofMinutes(5);
    /** Default of {@link #lateAfter()}. */
    public static final Duration DEFAULT_LATE_AFTER = Duration.ofMinutes(15);

    public IngestSettings {
        Objects.requireNonNull(futureSkew, "futureSkew");
        Objects.requireNonNull(lateAfter, "lateAfter");
        if (futureSkew.isNegative() || lateAfter.isNegative()) {
            throw new IllegalArgumentException("futureSkew and lateAfter must not be negative");
        }
    }

    /** 5 minutes ahead, late after 15 minutes. */
    public static IngestSettings defaults() {
        return new IngestSettings(DEFAULT_FUTURE_SKEW, DEFAULT_LATE_AFTER);
    }
}
