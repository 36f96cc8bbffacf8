package io.sensorproof.gateway.core.webhooks;

import java.time.Instant;
import java.util.Objects;

/**
 * A delivery taken by one dispatcher for one attempt. While the lease holds, no other claim (of this
 * or another replica) returns this endpoint; if the dispatcher dies, the lease runs out and the
 * delivery is claimed again (at least once).
 *
 * @param deliveryId the outbox's id of the delivery
 * @param message endpoint, event id (the {@code webhook-id}), body and enqueue time
 * @param endpoint the endpoint as it was at the claim (url, secrets)
 * @param attemptsMade attempts recorded before this one
 * @param leaseToken identifies this claim; {@link WebhookOutbox#recordAttempt} releases only its own lease
 * @param leaseUntil when the lease ends
 */
public record ClaimedDelivery(long deliveryId, WebhookMessage message, WebhookEndpoint endpoint, int attemptsMade,
        String leaseToken, Instant leaseUntil) {
    public ClaimedDelivery {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(leaseToken, "leaseToken");
        Objects.requireNonNull(leaseUntil, "leaseUntil");
    }
}
