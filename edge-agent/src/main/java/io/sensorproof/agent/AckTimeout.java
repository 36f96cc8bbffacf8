package io.sensorproof.agent;

import java.time.Duration;
import java.util.Objects;

/**
 * How long the agent waits for an acknowledgement before it sends everything unacknowledged again:
 * the retransmission timer of RFC 6298 applied to acknowledgements. Without it a fixed
 * {@code ack.timeout-millis} shorter than the gateway's delay (a gateway working through a backlog
 * after a restart, on a starved machine) made every device resend its whole in-flight window at
 * every timeout; the gateway then spent most of its time on duplicates and fell further behind
 * (ADR 040: 4,800 messages processed for 1,086 new ones in {@code PostmasterKillIT}).
 *
 * <ul>
 *   <li>Measured: a smoothed round trip plus four times its variation (RFC 6298 §2), from
 *       acknowledgements of messages sent once only (Karn's rule: the acknowledgement of a resent
 *       message cannot tell which copy it answers).
 *   <li>Backed off: a timeout doubles the timer (up to 64 times) only when some acknowledgement
 *       arrived since the previous timeout, that is when the gateway is alive but slower than the
 *       timer. While nothing at all comes back (no gateway subscribed, a restart under way) the
 *       timer stays where it was, so that a device notices a restarted gateway as soon as before.
 *       A valid measurement ends the backoff.
 *   <li>Bounded: never below the configured {@code ack.timeout-millis} (a quick gateway behaves
 *       exactly as before) and never above {@code max(60 s, ack.timeout-millis)} (RFC 6298 §2.5).
 * </ul>
 *
 * <p>Not thread-safe: the agent calls it under its send lock.
 */
final class AckTimeout {
    /** The upper bound when {@code ack.timeout-millis} is below it. */
    static final Duration CEILING = Duration.ofSeconds(60);
    private static final int MAX_BACKOFF = 64;
    /** RFC 6298's clock granularity term G: the variation term is never below it. */
    private static final long GRANULARITY_NANOS = Duration.ofMillis(10).toNanos();

    private final long floorNanos;
    private final long ceilingNanos;
    private long smoothedNanos = -1;
    private long variationNanos;
    private int backoff = 1;
    private boolean acknowledgedSinceTimeout;

    /** @param floor the configured {@code ack.timeout-millis}: the timer never goes below it */
    AckTimeout(Duration floor) {
        Objects.requireNonNull(floor, "floor");
        if (floor.isNegative() || floor.isZero()) {
            throw new IllegalArgumentException("the acknowledgement timeout must be positive");
        }
        this.floorNanos = floor.toNanos();
        this.ceilingNanos = Math.max(floorNanos, CEILING.toNanos());
    }

    /** The current timeout in nanoseconds. */
    long nanos() {
        long base = smoothedNanos < 0 ? floorNanos : smoothedNanos + Math.max(GRANULARITY_NANOS, 4 * variationNanos);
        long backedOff = base > ceilingNanos / backoff ? ceilingNanos : base * backoff;
        return Math.max(floorNanos, Math.min(ceilingNanos, backedOff));
    }

    /** The current timeout. */
    Duration current() {
        return Duration.ofNanos(nanos());
    }

    /**
     * A verified acknowledgement for this device arrived (even one that names nothing new: the
     * gateway is alive).
     *
     * @param roundTripNanos the round trip of the oldest message it named that was sent only once,
     *     or a negative value when every message it named had been sent more than once
     */
    void acknowledged(long roundTripNanos) {
        acknowledgedSinceTimeout = true;
        if (roundTripNanos < 0) {
            return;
        }
        if (smoothedNanos < 0) {
            smoothedNanos = roundTripNanos;
            variationNanos = roundTripNanos / 2;
        } else {
            variationNanos = (3 * variationNanos + Math.abs(smoothedNanos - roundTripNanos)) / 4;
            smoothedNanos = (7 * smoothedNanos + roundTripNanos) / 8;
        }
        backoff = 1;
    }

    /** The oldest message in flight waited longer than {@link #nanos()}: everything in flight is sent again. */
    void timedOut() {
        if (acknowledgedSinceTimeout && backoff < MAX_BACKOFF) {
            backoff *= 2;
        }
        acknowledgedSinceTimeout = false;
    }

    /** A new connection: whatever slowed the last one down says nothing about this one. */
    void reconnected() {
        backoff = 1;
        acknowledgedSinceTimeout = false;
    }
}
