package io.sensorproof.gateway.webhooks;

import io.sensorproof.gateway.core.webhooks.DeliveryAttempt;
import io.sensorproof.gateway.core.webhooks.DeliveryState;
import io.sensorproof.gateway.core.webhooks.DeliveryStatus;
import io.sensorproof.gateway.core.webhooks.WebhookEndpoint;
import io.sensorproof.gateway.core.webhooks.WebhookEndpointStore;
import io.sensorproof.gateway.core.webhooks.WebhookOutbox;
import io.sensorproof.gateway.core.webhooks.WebhookSecret;
import io.sensorproof.gateway.core.webhooks.WebhookUrlPolicy;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * What a tenant may do with its webhook endpoints, framework-free: register (URL checked by the
 * {@link WebhookUrlPolicy}, a fresh secret generated and handed out once), rotate the secret with an
 * overlap, enable and disable, read the delivery history, requeue a dead delivery. Every lookup is by
 * (tenant, id): an endpoint of another tenant is "not found", so ids reveal nothing across tenants.
 * The REST resource authorises the caller for the tenant and audits; this class decides the rest.
 */
public final class WebhookEndpoints {
    /** Stable code: no endpoint with this id in this tenant. */
    public static final String NOT_FOUND = "WEBHOOK_ENDPOINT_NOT_FOUND";
    /** Stable code: no delivery of this event to this endpoint. */
    public static final String DELIVERY_NOT_FOUND = "WEBHOOK_DELIVERY_NOT_FOUND";
    /** Stable code: the delivery is not DEAD, so there is nothing to requeue. */
    public static final String DELIVERY_NOT_DEAD = "WEBHOOK_DELIVERY_NOT_DEAD";

    /**
     * A refusal with a stable code ({@link #NOT_FOUND}, {@link #DELIVERY_NOT_FOUND},
     * {@link #DELIVERY_NOT_DEAD}).
     */
    public static final class Refusal extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String code;

        Refusal(String code, String message) {
            super(message);
            this.code = code;
        }

        /** The stable code. */
        public String code() {
            return code;
        }
    }

    /**
     * An endpoint with the secret that was just generated for it (returned once, never stored elsewhere
     * in clear for reading back).
     */
    public record WithSecret(WebhookEndpoint endpoint, String secret) {
    }

    private final WebhookEndpointStore store;
    private final WebhookOutbox outbox;
    private final WebhookUrlPolicy urls;
    private final SecureRandom random;
    private final Clock clock;
    private final Duration overlap;

    /**
     * @param overlap how long the previous secrets keep signing after a rotation
     */
    public WebhookEndpoints(WebhookEndpointStore store, WebhookOutbox outbox, WebhookUrlPolicy urls, SecureRandom random,
            Clock clock, Duration overlap) {
        this.store = Objects.requireNonNull(store, "store");
        this.outbox = Objects.requireNonNull(outbox, "outbox");
        this.urls = Objects.requireNonNull(urls, "urls");
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.overlap = Objects.requireNonNull(overlap, "overlap");
        if (overlap.isNegative()) {
            throw new IllegalArgumentException("overlap must not be negative: " + overlap);
        }
    }

    /**
     * Registers an enabled endpoint of {@code tenant}.
     *
     * @throws io.sensorproof.gateway.core.webhooks.WebhookException with the URL policy's code
     */
    public WithSecret register(String tenant, String url) {
        URI checked = urls.check(url);
        Instant now = clock.instant();
        WebhookSecret secret = WebhookSecret.generate(random, now);
        WebhookEndpoint endpoint = new WebhookEndpoint("wh_" + UUID.randomUUID().toString().replace("-", ""), tenant, checked,
                List.of(secret), true);
        store.save(endpoint);
        return new WithSecret(endpoint, secret.value());
    }

    /** The tenant's endpoints. */
    public List<WebhookEndpoint> list(String tenant) {
        return store.endpoints(tenant);
    }

    /** The endpoint {@code id} of {@code tenant}; {@link #NOT_FOUND} otherwise. */
    public WebhookEndpoint get(String tenant, String id) {
        return store.endpoint(id).filter(e -> e.tenant().equals(tenant))
                .orElseThrow(() -> new Refusal(NOT_FOUND, "no webhook endpoint " + id + " in tenant " + tenant));
    }

    /** A new secret, signing from now; the previous ones keep signing for the overlap. */
    public WithSecret rotate(String tenant, String id) {
        WebhookEndpoint current = get(tenant, id);
        Instant now = clock.instant();
        WebhookSecret next = WebhookSecret.generate(random, now);
        WebhookEndpoint rotated = current.rotate(next, now.plus(overlap), now);
        store.save(rotated);
        return new WithSecret(rotated, next.value());
    }

    /** Enables or disables the endpoint (a disabled one gets no new deliveries and no attempts). */
    public WebhookEndpoint setEnabled(String tenant, String id, boolean enabled) {
        WebhookEndpoint changed = get(tenant, id).withEnabled(enabled);
        store.save(changed);
        return changed;
    }

    /** The latest {@code limit} attempts to the endpoint, newest first. */
    public List<DeliveryAttempt> history(String tenant, String id, int limit) {
        get(tenant, id);
        return outbox.history(id, limit);
    }

    /** The delivery of {@code eventId} to the endpoint. */
    public DeliveryStatus delivery(String tenant, String id, String eventId) {
        get(tenant, id);
        return outbox.status(id, eventId)
                .orElseThrow(() -> new Refusal(DELIVERY_NOT_FOUND, "no delivery of " + eventId + " to " + id));
    }

    /** Makes a DEAD delivery due again; {@link #DELIVERY_NOT_DEAD} if it is pending or delivered. */
    public DeliveryStatus requeue(String tenant, String id, String eventId) {
        DeliveryStatus before = delivery(tenant, id, eventId);
        if (before.state() != DeliveryState.DEAD || !outbox.requeue(id, eventId, clock.instant())) {
            throw new Refusal(DELIVERY_NOT_DEAD, "the delivery of " + eventId + " to " + id + " is not dead");
        }
        return outbox.status(id, eventId).orElseThrow();
    }
}
