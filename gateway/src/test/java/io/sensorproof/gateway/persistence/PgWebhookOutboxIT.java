package io.sensorproof.gateway.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.sensorproof.gateway.EmbeddedPostgresTestResource;
import io.sensorproof.gateway.core.webhooks.AttemptResult;
import io.sensorproof.gateway.core.webhooks.ClaimedDelivery;
import io.sensorproof.gateway.core.webhooks.DeliveryAttempt;
import io.sensorproof.gateway.core.webhooks.DeliveryState;
import io.sensorproof.gateway.core.webhooks.DeliveryStatus;
import io.sensorproof.gateway.core.webhooks.WebhookEndpoint;
import io.sensorproof.gateway.core.webhooks.WebhookError;
import io.sensorproof.gateway.core.webhooks.WebhookMessage;
import io.sensorproof.gateway.core.webhooks.WebhookSecret;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link PgWebhookOutbox} on the embedded PostgreSQL: endpoints and secrets round trip, enqueue in
 * the caller's transaction, one claim per endpoint with leases, recording and history, and several
 * concurrent claimers (as replicas would be) never holding one endpoint twice nor sending a
 * delivery twice.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresTestResource.class)
class PgWebhookOutboxIT {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration LEASE = Duration.ofSeconds(30);

    @Inject
    Pool pool;

    private PgWebhookOutbox outbox;
    private String run;
    private String tenant;
    // whole microseconds, as PostgreSQL stores them
    private final Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    @BeforeEach
    void setUp() {
        outbox = new PgWebhookOutbox(pool, Duration.ofSeconds(10));
        run = UUID.randomUUID().toString().substring(0, 8);
        tenant = "bank-" + run;
        pool.preparedQuery("INSERT INTO tenants (id, name, kind) VALUES ($1, $1, 'bank')").executeAndAwait(Tuple.of(tenant));
    }

    private WebhookEndpoint endpoint(String name) {
        WebhookEndpoint e = new WebhookEndpoint(run + "-" + name, tenant, URI.create("https://" + name + ".example/hook"),
                List.of(WebhookSecret.generate(RANDOM, t0.minus(Duration.ofDays(1)))), true);
        outbox.save(e);
        return e;
    }

    private WebhookMessage message(WebhookEndpoint e, String event, Instant at) {
        return new WebhookMessage(e.id(), run + "-" + event, ("{\"e\":\"" + event + "\"}").getBytes(StandardCharsets.UTF_8), at);
    }

    private static AttemptResult delivered(Instant at) {
        return new AttemptResult(at, Duration.ofMillis(12), OptionalInt.of(200), Optional.empty(), "",
                DeliveryState.DELIVERED, Optional.empty(), false);
    }

    private static AttemptResult retry(Instant at, int status, Instant next) {
        return new AttemptResult(at, Duration.ofMillis(7), OptionalInt.of(status), Optional.of(WebhookError.HTTP_STATUS),
                "HTTP " + status, DeliveryState.PENDING, Optional.of(next), false);
    }

    private List<ClaimedDelivery> mine(List<ClaimedDelivery> claims) {
        return claims.stream().filter(c -> c.endpoint().tenant().equals(tenant)).toList();
    }

    @Test
    void endpointWithRotatedSecretsRoundTrips() {
        WebhookEndpoint e = endpoint("rt");
        WebhookEndpoint rotated = e.rotate(WebhookSecret.generate(RANDOM, t0), t0.plus(Duration.ofHours(24)), t0);
        outbox.save(rotated);
        assertThat(outbox.endpoint(e.id())).contains(rotated);
        assertThat(outbox.endpoints(tenant)).containsExactly(rotated);
        outbox.save(rotated.withEnabled(false));
        assertThat(outbox.endpoint(e.id()).orElseThrow().enabled()).isFalse();
        WebhookEndpoint stolen = new WebhookEndpoint(e.id(), "other-tenant", e.url(), e.secrets(), true);
        assertThatThrownBy(() -> outbox.save(stolen)).isInstanceOf(PersistenceException.class)
                .hasMessageContaining("another tenant");
    }

    @Test
    void enqueueJoinsTheCallersTransaction() {
        WebhookEndpoint e = endpoint("tx");
        WebhookMessage rolledBack = message(e, "rolled-back", t0);
        assertThatThrownBy(() -> pool.withTransaction(conn -> outbox.enqueue(conn, rolledBack)
                .chain(() -> Uni.createFrom().failure(new IllegalStateException("alert insert failed"))))
                .await().atMost(Duration.ofSeconds(10))).hasMessageContaining("alert insert failed");
        assertThat(outbox.status(e.id(), rolledBack.eventId())).isEmpty();

        WebhookMessage committed = message(e, "committed", t0);
        assertThat(pool.withTransaction(conn -> outbox.enqueue(conn, committed)).await().atMost(Duration.ofSeconds(10)))
                .isTrue();
        assertThat(outbox.status(e.id(), committed.eventId())).hasValueSatisfying(s -> {
            assertThat(s.state()).isEqualTo(DeliveryState.PENDING);
            assertThat(s.nextAttemptAt()).contains(t0);
        });
        assertThat(outbox.enqueue(committed)).as("the same event again").isFalse();
    }

    @Test
    void claimTakesTheOldestDueDeliveryOfEachEndpointAndLeasesTheEndpoint() {
        WebhookEndpoint a = endpoint("a");
        WebhookEndpoint b = endpoint("b");
        outbox.enqueue(message(a, "a2", t0.plusSeconds(2)));
        outbox.enqueue(message(a, "a1", t0.plusSeconds(1)));
        outbox.enqueue(message(b, "b1", t0.plusSeconds(3)));
        outbox.enqueue(message(b, "b-later", t0.plusSeconds(100)));

        List<ClaimedDelivery> first = mine(outbox.claimDue(t0.plusSeconds(10), 100, LEASE));
        assertThat(first).extracting(c -> c.message().eventId()).containsExactlyInAnyOrder(run + "-a1", run + "-b1");
        ClaimedDelivery a1 = first.stream().filter(c -> c.endpoint().id().equals(a.id())).findFirst().orElseThrow();
        assertThat(a1.endpoint()).isEqualTo(a);
        assertThat(a1.message().body()).isEqualTo("{\"e\":\"a1\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(a1.attemptsMade()).isZero();
        assertThat(mine(outbox.claimDue(t0.plusSeconds(10), 100, LEASE))).as("both endpoints leased").isEmpty();

        outbox.recordAttempt(a1, delivered(t0.plusSeconds(10)));
        assertThat(mine(outbox.claimDue(t0.plusSeconds(11), 100, LEASE))).extracting(c -> c.message().eventId())
                .containsExactly(run + "-a2");

        // b's lease runs out without a record (its dispatcher died): b1 is claimed again
        List<ClaimedDelivery> again = mine(outbox.claimDue(t0.plusSeconds(10).plus(LEASE), 100, LEASE)).stream()
                .filter(c -> c.endpoint().id().equals(b.id())).toList();
        assertThat(again).extracting(c -> c.message().eventId()).containsExactly(run + "-b1");
        // the dead claim records late: its result counts, but the new claim keeps its lease
        ClaimedDelivery stale = first.stream().filter(c -> c.endpoint().id().equals(b.id())).findFirst().orElseThrow();
        outbox.recordAttempt(stale, retry(t0.plusSeconds(40), 503, t0.plusSeconds(41)));
        assertThat(mine(outbox.claimDue(t0.plusSeconds(50), 100, LEASE)).stream()
                .filter(c -> c.endpoint().id().equals(b.id()))).isEmpty();
        outbox.recordAttempt(again.get(0), delivered(t0.plusSeconds(50)));
        assertThat(outbox.status(b.id(), run + "-b1").orElseThrow().attempts()).isEqualTo(2);
    }

    @Test
    void recordingKeepsHistoryNewestFirstAndDeliveredStaysDelivered() {
        WebhookEndpoint e = endpoint("h");
        outbox.enqueue(message(e, "x", t0));
        ClaimedDelivery c1 = mine(outbox.claimDue(t0, 10, LEASE)).get(0);
        outbox.recordAttempt(c1, retry(t0, 503, t0.plusSeconds(1)));
        assertThat(mine(outbox.claimDue(t0.plusMillis(500), 10, LEASE))).as("not due yet").isEmpty();
        ClaimedDelivery c2 = mine(outbox.claimDue(t0.plusSeconds(1), 10, LEASE)).get(0);
        assertThat(c2.attemptsMade()).isEqualTo(1);
        assertThat(c2.message().eventId()).isEqualTo(c1.message().eventId());
        outbox.recordAttempt(c2, delivered(t0.plusSeconds(1)));
        // a late failure report of the same delivery does not undo the delivery
        outbox.recordAttempt(c1, retry(t0.plusSeconds(2), 500, t0.plusSeconds(3)));

        DeliveryStatus s = outbox.status(e.id(), run + "-x").orElseThrow();
        assertThat(s.state()).isEqualTo(DeliveryState.DELIVERED);
        assertThat(s.attempts()).isEqualTo(3);
        assertThat(s.nextAttemptAt()).isEmpty();
        List<DeliveryAttempt> history = outbox.history(e.id(), 10);
        assertThat(history).extracting(DeliveryAttempt::attempt).containsExactly(3, 2, 1);
        assertThat(history).extracting(a -> a.status().getAsInt()).containsExactly(500, 200, 503);
        assertThat(history.get(1).error()).isEmpty();
        assertThat(history.get(2).error()).contains(WebhookError.HTTP_STATUS);
        assertThat(history.get(2).latency()).isEqualTo(Duration.ofMillis(7));
        assertThat(outbox.history(e.id(), 1)).hasSize(1);
    }

    @Test
    void goneDisablesTheEndpointAndRequeueRevivesADeadDelivery() {
        WebhookEndpoint e = endpoint("gone");
        outbox.enqueue(message(e, "g1", t0));
        outbox.enqueue(message(e, "g2", t0.plusSeconds(1)));
        ClaimedDelivery c = mine(outbox.claimDue(t0.plusSeconds(5), 10, LEASE)).get(0);
        outbox.recordAttempt(c, new AttemptResult(t0.plusSeconds(5), Duration.ofMillis(3), OptionalInt.of(410),
                Optional.of(WebhookError.ENDPOINT_GONE), "HTTP 410", DeliveryState.DEAD, Optional.empty(), true));
        assertThat(outbox.endpoint(e.id()).orElseThrow().enabled()).isFalse();
        assertThat(mine(outbox.claimDue(t0.plusSeconds(6), 10, LEASE))).isEmpty();
        assertThat(outbox.status(e.id(), run + "-g1").orElseThrow().lastError()).contains("ENDPOINT_GONE: HTTP 410");

        outbox.save(outbox.endpoint(e.id()).orElseThrow().withEnabled(true));
        assertThat(outbox.requeue(e.id(), run + "-g1", t0.plusSeconds(7))).isTrue();
        assertThat(outbox.requeue(e.id(), run + "-g2", t0.plusSeconds(7))).as("not dead").isFalse();
        // g2 waited while the endpoint was disabled and is due since t0+1, g1 again since t0+7
        List<ClaimedDelivery> g2 = mine(outbox.claimDue(t0.plusSeconds(7), 10, LEASE));
        assertThat(g2).extracting(x -> x.message().eventId()).containsExactly(run + "-g2");
        outbox.recordAttempt(g2.get(0), delivered(t0.plusSeconds(7)));
        assertThat(mine(outbox.claimDue(t0.plusSeconds(7), 10, LEASE))).extracting(x -> x.message().eventId())
                .containsExactly(run + "-g1");
    }

    @Test
    void concurrentClaimersNeverHoldAnEndpointTwiceNorSendADeliveryTwice() throws Exception {
        int endpoints = 12;
        int perEndpoint = 6;
        List<WebhookEndpoint> eps = new ArrayList<>();
        for (int i = 0; i < endpoints; i++) {
            WebhookEndpoint e = endpoint("c" + i);
            eps.add(e);
            for (int j = 0; j < perEndpoint; j++) {
                outbox.enqueue(message(e, "c" + i + "-" + j, t0));
            }
        }
        Set<String> inFlight = ConcurrentHashMap.newKeySet();
        Set<Long> sent = ConcurrentHashMap.newKeySet();
        List<String> violations = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger deliveredCount = new AtomicInteger();
        int total = endpoints * perEndpoint;
        ExecutorService replicas = Executors.newFixedThreadPool(4);
        List<Future<?>> running = new ArrayList<>();
        for (int r = 0; r < 4; r++) {
            running.add(replicas.submit(() -> {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (deliveredCount.get() < total && System.nanoTime() < deadline) {
                    for (ClaimedDelivery c : mine(outbox.claimDue(Instant.now(), 3, LEASE))) {
                        if (!inFlight.add(c.endpoint().id())) {
                            violations.add("endpoint claimed twice: " + c.endpoint().id());
                        }
                        if (!sent.add(c.deliveryId())) {
                            violations.add("delivery sent twice: " + c.deliveryId());
                        }
                        inFlight.remove(c.endpoint().id());
                        outbox.recordAttempt(c, delivered(Instant.now()));
                        deliveredCount.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : running) {
            f.get(90, TimeUnit.SECONDS);
        }
        replicas.shutdownNow();

        assertThat(violations).isEmpty();
        assertThat(deliveredCount).hasValue(total);
        Set<String> states = new HashSet<>();
        for (WebhookEndpoint e : eps) {
            for (int j = 0; j < perEndpoint; j++) {
                DeliveryStatus s = outbox.status(e.id(), run + "-" + e.id().substring(run.length() + 1) + "-" + j).orElseThrow();
                states.add(s.state() + "/" + s.attempts());
            }
        }
        assertThat(states).containsExactly("DELIVERED/1");
    }
}
