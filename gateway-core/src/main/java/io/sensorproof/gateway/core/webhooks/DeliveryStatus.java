package io.sensorproof.gateway.core.webhooks;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Where one delivery stands.
 *
 * @param deliveryId the outbox's id
 * @param endpointId the endpoint
 * @param eventId the event
 * @param state pending, delivered or dead
 * @param attempts attempts made
 * @param nextAttemptAt when it is due ({@code PENDING})
 * @param lastStatus the last HTTP status received
 * @param lastError the last failure's code and detail, e.g. {@code HTTP_STATUS: 503}
 */
public record DeliveryStatus(long deliveryId, String endpointId, String eventId, DeliveryState state, int attempts,
        Optional<Instant> nextAttemptAt, OptionalInt lastStatus, Optional<String> lastError) {
}
