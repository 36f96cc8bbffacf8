package io.sensorproof.gateway.core.webhooks;

import java.time.Instant;
import java.util.Objects;

/**
 * One event to deliver to one endpoint. Its {@code eventId} is the {@code webhook-id} of every
 * attempt, so receivers deduplicate; (endpoint, event) is unique in the outbox, so enqueuing the same
 * event twice (a replayed transaction, a second replica) delivers it once.
 *
 * @param endpointId the endpoint
 * @param eventId the event's id ({@link WebhookEndpoint#ID})
 * @param body the JSON body, UTF-8
 * @param enqueuedAt when the event was committed (the age limit counts from here)
 */
public record WebhookMessage(String endpointId, String eventId, byte[] body, Instant enqueuedAt) {
    /** Largest body, in bytes. */
    public static final int MAX_BODY_BYTES = 256 * 1024;

    public WebhookMessage {
        WebhookEndpoint.requireId(endpointId, "endpoint id");
        WebhookEndpoint.requireId(eventId, "event id");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(enqueuedAt, "enqueuedAt");
        if (body.length > MAX_BODY_BYTES) {
            throw new WebhookException(WebhookError.BODY_TOO_LARGE, "a webhook body has at most " + MAX_BODY_BYTES + " bytes");
        }
        body = body.clone();
    }

    @Override
    public byte[] body() {
        return body.clone();
    }
}
