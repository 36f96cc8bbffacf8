package io.sensorproof.gateway.core.webhooks;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.UUID;

/**
 * {@link WebhookOutbox} and {@link WebhookEndpointStore} in memory, with the same claim, lease and
 * fairness rules as the PostgreSQL adapter: for unit tests and for trying the dispatcher without a
 * database. Not durable. Thread-safe (one lock).
 */
public final class InMemoryWebhookOutbox implements WebhookOutbox, WebhookEndpointStore {
    private static final class Delivery {
        final long id;
        final WebhookMessage message;
        DeliveryState state = DeliveryState.PENDING;
        int attempts;
        Instant nextAttemptAt;
        OptionalInt lastStatus = OptionalInt.empty();
        Optional<String> lastError = Optional.empty();

        Delivery(long id, WebhookMessage message) {
            this.id = id;
            this.message = message;
            this.nextAttemptAt = message.enqueuedAt();
        }
    }

    private static final class Lease {
        final String token;
        final Instant until;

        Lease(String token, Instant until) {
            this.token = token;
            this.until = until;
        }
    }

    private final Map<String, WebhookEndpoint> endpoints = new TreeMap<>();
    private final Map<Long, Delivery> deliveries = new LinkedHashMap<>();
    private final Map<String, Delivery> byKey = new HashMap<>();
    private final Map<String, Lease> leases = new HashMap<>();
    private final Map<String, Instant> lastClaimed = new HashMap<>();
    private final List<DeliveryAttempt> attempts = new ArrayList<>();
    private long nextId = 1;

    @Override
    public synchronized void save(WebhookEndpoint endpoint) {
        endpoints.put(endpoint.id(), endpoint);
    }

    @Override
    public synchronized Optional<WebhookEndpoint> endpoint(String id) {
        return Optional.ofNullable(endpoints.get(id));
    }

    @Override
    public synchronized List<WebhookEndpoint> endpoints(String tenant) {
        return endpoints.values().stream().filter(e -> e.tenant().equals(tenant)).toList();
    }

    @Override
    public synchronized boolean enqueue(WebhookMessage message) {
        if (!endpoints.containsKey(message.endpointId())) {
            throw new IllegalArgumentException("unknown endpoint " + message.endpointId());
        }
        String key = key(message.endpointId(), message.eventId());
        if (byKey.containsKey(key)) {
            return false;
        }
        Delivery d = new Delivery(nextId++, message);
        deliveries.put(d.id, d);
        byKey.put(key, d);
        return true;
    }

    @Override
    public synchronized List<ClaimedDelivery> claimDue(Instant now, int limit, Duration lease) {
        Map<String, Delivery> oldestDue = new HashMap<>();
        for (Delivery d : deliveries.values()) {
            if (d.state != DeliveryState.PENDING || d.nextAttemptAt.isAfter(now)) {
                continue;
            }
            Delivery best = oldestDue.get(d.message.endpointId());
            if (best == null || d.nextAttemptAt.isBefore(best.nextAttemptAt)
                    || (d.nextAttemptAt.equals(best.nextAttemptAt) && d.id < best.id)) {
                oldestDue.put(d.message.endpointId(), d);
            }
        }
        List<String> free = new ArrayList<>();
        for (String endpointId : oldestDue.keySet()) {
            WebhookEndpoint e = endpoints.get(endpointId);
            Lease l = leases.get(endpointId);
            if (e.enabled() && (l == null || !l.until.isAfter(now))) {
                free.add(endpointId);
            }
        }
        free.sort(Comparator.comparing((String id) -> lastClaimed.getOrDefault(id, Instant.MIN)).thenComparing(id -> id));
        List<ClaimedDelivery> claimed = new ArrayList<>();
        for (String endpointId : free.subList(0, Math.min(limit, free.size()))) {
            Delivery d = oldestDue.get(endpointId);
            Lease l = new Lease(UUID.randomUUID().toString(), now.plus(lease));
            leases.put(endpointId, l);
            lastClaimed.put(endpointId, now);
            claimed.add(new ClaimedDelivery(d.id, d.message, endpoints.get(endpointId), d.attempts, l.token, l.until));
        }
        return claimed;
    }

    @Override
    public synchronized void recordAttempt(ClaimedDelivery claimed, AttemptResult result) {
        Delivery d = deliveries.get(claimed.deliveryId());
        if (d == null) {
            throw new IllegalArgumentException("unknown delivery " + claimed.deliveryId());
        }
        d.attempts++;
        result.status().ifPresent(s -> d.lastStatus = OptionalInt.of(s));
        if (d.state != DeliveryState.DELIVERED) {
            d.state = result.state();
            d.nextAttemptAt = result.nextAttemptAt().orElse(d.nextAttemptAt);
            d.lastError = result.error().map(e -> e + ": " + result.detail());
        }
        attempts.add(new DeliveryAttempt(d.id, d.message.eventId(), d.attempts, result.startedAt(), result.latency(),
                result.status(), result.error(), result.detail(), result.state()));
        String endpointId = d.message.endpointId();
        if (result.disableEndpoint()) {
            endpoints.computeIfPresent(endpointId, (k, e) -> e.withEnabled(false));
        }
        Lease l = leases.get(endpointId);
        if (l != null && l.token.equals(claimed.leaseToken())) {
            leases.remove(endpointId);
        }
    }

    @Override
    public synchronized List<DeliveryAttempt> history(String endpointId, int limit) {
        List<DeliveryAttempt> out = new ArrayList<>();
        for (int i = attempts.size() - 1; i >= 0 && out.size() < limit; i--) {
            DeliveryAttempt a = attempts.get(i);
            if (deliveries.get(a.deliveryId()).message.endpointId().equals(endpointId)) {
                out.add(a);
            }
        }
        return out;
    }

    @Override
    public synchronized Optional<DeliveryStatus> status(String endpointId, String eventId) {
        Delivery d = byKey.get(key(endpointId, eventId));
        if (d == null) {
            return Optional.empty();
        }
        return Optional.of(new DeliveryStatus(d.id, endpointId, eventId, d.state, d.attempts,
                d.state == DeliveryState.PENDING ? Optional.of(d.nextAttemptAt) : Optional.empty(), d.lastStatus,
                d.lastError));
    }

    @Override
    public synchronized boolean requeue(String endpointId, String eventId, Instant now) {
        Delivery d = byKey.get(key(endpointId, eventId));
        if (d == null || d.state != DeliveryState.DEAD) {
            return false;
        }
        d.state = DeliveryState.PENDING;
        d.nextAttemptAt = now;
        return true;
    }

    private static String key(String endpointId, String eventId) {
        return endpointId + "\n" + eventId;
    }
}
