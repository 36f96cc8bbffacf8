package io.sensorproof.gateway.core.webhooks;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The durable queue of webhook deliveries (port). The event's writer enqueues in the transaction
 * that commits the event (the adapter offers that), so a committed event is never without its
 * deliveries and a rolled-back one never has any; the {@link WebhookDispatcher} claims, sends and
 * records.
 *
 * <p>Fairness: {@link #claimDue} returns at most one delivery per endpoint and none for an endpoint
 * that already has one in flight (leased), taking each endpoint's oldest due delivery and endpoints
 * in round-robin order; a slow or dead endpoint therefore holds at most one dispatcher slot and
 * never delays another endpoint's deliveries.
 */
public interface WebhookOutbox {
    /**
     * Adds a delivery, due at once; does nothing if (endpoint, event) is already queued.
     *
     * @return whether a delivery was added
     */
    boolean enqueue(WebhookMessage message);

    /**
     * Takes up to {@code limit} due deliveries of enabled endpoints, at most one per endpoint and
     * none of an endpoint with an unexpired lease, leasing each endpoint until {@code now + lease}.
     */
    List<ClaimedDelivery> claimDue(Instant now, int limit, Duration lease);

    /**
     * Records one attempt of a claimed delivery: appends it to the history, updates the delivery
     * (attempts, state, next attempt, last status and error), disables the endpoint if asked, and
     * releases the claim's lease (only if it is still this claim's). A delivery already DELIVERED
     * stays DELIVERED.
     */
    void recordAttempt(ClaimedDelivery claimed, AttemptResult result);

    /** The latest {@code limit} attempts to an endpoint, newest first. */
    List<DeliveryAttempt> history(String endpointId, int limit);

    /** The state of the delivery of {@code eventId} to {@code endpointId}. */
    Optional<DeliveryStatus> status(String endpointId, String eventId);

    /**
     * Makes a DEAD delivery PENDING again, due at {@code now}, keeping its attempts and history
     * (an operator's action after fixing a receiver).
     *
     * @return whether a DEAD delivery was requeued
     */
    boolean requeue(String endpointId, String eventId, Instant now);
}
