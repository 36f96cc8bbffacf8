package io.sensorproof.gateway.core.webhooks;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What one attempt did and what follows from it, as the dispatcher records it.
 *
 * @param startedAt when the request started
 * @param latency from start to status (or to the failure)
 * @param status the HTTP status, if one was received
 * @param error the failure's code, empty when delivered
 * @param detail a short human-readable detail of the failure (no secrets), empty when delivered
 * @param state the delivery's state after this attempt
 * @param nextAttemptAt when to try again ({@code PENDING} only)
 * @param disableEndpoint whether the endpoint is to be disabled (410 Gone)
 */
public record AttemptResult(Instant startedAt, Duration latency, OptionalInt status, Optional<WebhookError> error,
        String detail, DeliveryState state, Optional<Instant> nextAttemptAt, boolean disableEndpoint) {
    /** Longest kept detail. */
    public static final int MAX_DETAIL = 500;

    public AttemptResult {
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(nextAttemptAt, "nextAttemptAt");
        if ((state == DeliveryState.PENDING) != nextAttemptAt.isPresent()) {
            throw new IllegalArgumentException("a PENDING result, and only one, has a next attempt time");
        }
        if ((state == DeliveryState.DELIVERED) == error.isPresent()) {
            throw new IllegalArgumentException("a DELIVERED result, and only one, has no error");
        }
        if (detail.length() > MAX_DETAIL) {
            detail = detail.substring(0, MAX_DETAIL);
        }
    }
}
