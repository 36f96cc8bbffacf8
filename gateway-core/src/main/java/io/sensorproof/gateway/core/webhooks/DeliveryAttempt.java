package io.sensorproof.gateway.core.webhooks;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One line of an endpoint's delivery history.
 *
 * @param deliveryId the delivery
 * @param eventId the event (the {@code webhook-id} sent)
 * @param attempt 1 for the first attempt of that delivery
 * @param startedAt when the request started
 * @param latency how long it took
 * @param status HTTP status, if any
 * @param error failure code, empty when delivered
 * @param detail failure detail, empty when delivered
 * @param stateAfter the delivery's state after this attempt
 */
public record DeliveryAttempt(long deliveryId, String eventId, int attempt, Instant startedAt, Duration latency,
        OptionalInt status, Optional<WebhookError> error, String detail, DeliveryState stateAfter) {
}
