package io.sensorproof.gateway.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.sensorproof.gateway.EmbeddedPostgresTestResource;
import io.sensorproof.gateway.core.webhooks.DeliveryAttempt;
import io.sensorproof.gateway.core.webhooks.DeliveryPolicy;
import io.sensorproof.gateway.core.webhooks.DeliveryState;
import io.sensorproof.gateway.core.webhooks.JdkHttpSender;
import io.sensorproof.gateway.core.webhooks.WebhookDispatcher;
import io.sensorproof.gateway.core.webhooks.WebhookEndpoint;
import io.sensorproof.gateway.core.webhooks.WebhookMessage;
import io.sensorproof.gateway.core.webhooks.WebhookSecret;
import io.sensorproof.gateway.core.webhooks.WebhookUrlPolicy;
import io.sensorproof.gateway.core.webhooks.WebhookUrlPolicy.OwnAddress;
import io.sensorproof.gateway.persistence.PgWebhookOutbox;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * End to end on the embedded PostgreSQL: the dispatcher on {@link PgWebhookOutbox} with the JDK
 * sender delivers to a real HTTP receiver (JDK {@code HttpServer}) that verifies every request with
 * the Standard Webhooks library and answers 503 three times before 200. The event is delivered once
 * verified, with the same {@code webhook-id} on every attempt, and the history shows each attempt;
 * an endpoint nobody listens on, with older deliveries, does not hold it up.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresTestResource.class)
class WebhookDeliveryIT {
    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    Pool pool;
    @ConfigProperty(name = "quarkus.http.test-port")
    int gatewayPort;

    private HttpServer receiver;
    private final List<Received> received = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger failuresLeft = new AtomicInteger(3);
    private volatile List<String> receiverSecrets = List.of();
    private WebhookDispatcher dispatcher;

    /** One request as the receiver saw it. */
    record Received(String id, String timestamp, boolean verifiedOld, boolean verifiedNew, int answered) {
    }

    @BeforeEach
    void startReceiver() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hooks", this::handle);
        receiver.start();
    }

    @AfterEach
    void stop() {
        if (dispatcher != null) {
            dispatcher.close();
        }
        receiver.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String payload = new String(body, StandardCharsets.UTF_8);
        boolean[] ok = new boolean[2];
        for (int i = 0; i < 2; i++) {
            try {
                new Webhook(receiverSecrets.get(i)).verify(payload, exchange.getRequestHeaders());
                ok[i] = true;
            } catch (WebhookVerificationException e) {
                ok[i] = false;
            }
        }
        int status = !(ok[0] || ok[1]) ? 401 : failuresLeft.getAndDecrement() > 0 ? 503 : 200;
        received.add(new Received(exchange.getRequestHeaders().getFirst("webhook-id"),
                exchange.getRequestHeaders().getFirst("webhook-timestamp"), ok[0], ok[1], status));
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void deliversOnceVerifiedAfter503sWithTheSameIdOnEveryAttempt() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String tenant = "bank-" + run;
        pool.preparedQuery("INSERT INTO tenants (id, name, kind) VALUES ($1, $1, 'bank')").executeAndAwait(Tuple.of(tenant));
        Instant now = Instant.now();

        // the URL passes the policy that guards the gateway's own port
        WebhookUrlPolicy policy = new WebhookUrlPolicy(List.of(new OwnAddress("localhost", gatewayPort)));
        URI url = policy.check("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hooks");

        // a secret rotation is in its overlap: the receiver checks with both, each must verify
        WebhookSecret old = WebhookSecret.generate(RANDOM, now.minus(Duration.ofDays(30)));
        WebhookSecret next = WebhookSecret.generate(RANDOM, now.minus(Duration.ofMinutes(1)));
        WebhookEndpoint endpoint = new WebhookEndpoint("live-" + run, tenant, url, List.of(old), true)
                .rotate(next, now.plus(Duration.ofHours(1)), now);
        receiverSecrets = List.of(old.value(), next.value());
        WebhookEndpoint dead = new WebhookEndpoint("dead-" + run, tenant, URI.create("http://127.0.0.1:" + closedPort() + "/x"),
                List.of(WebhookSecret.generate(RANDOM, now.minusSeconds(60))), true);

        PgWebhookOutbox outbox = new PgWebhookOutbox(pool, Duration.ofSeconds(10));
        outbox.save(endpoint);
        outbox.save(dead);
        for (int i = 0; i < 20; i++) {
            outbox.enqueue(new WebhookMessage(dead.id(), "old-" + i, "{}".getBytes(StandardCharsets.UTF_8), now.minusSeconds(5)));
        }
        String eventId = "alert-" + run;
        byte[] body = ("{\"type\":\"alert.opened\",\"id\":\"" + eventId + "\",\"lot\":\"lot-7\"}").getBytes(StandardCharsets.UTF_8);
        outbox.enqueue(new WebhookMessage(endpoint.id(), eventId, body, now));

        DeliveryPolicy fast = new DeliveryPolicy(Duration.ofMillis(100), Duration.ofSeconds(1), 0.2, 20, Duration.ofHours(1),
                Duration.ofSeconds(5));
        dispatcher = WebhookDispatcher.create(outbox, new JdkHttpSender(Duration.ofSeconds(2)), fast, 4);
        dispatcher.start(Duration.ofMillis(50));

        await().atMost(Duration.ofSeconds(30))
                .until(() -> outbox.status(endpoint.id(), eventId).orElseThrow().state() == DeliveryState.DELIVERED);

        assertThat(received).hasSize(4);
        assertThat(received).allSatisfy(r -> {
            assertThat(r.id()).isEqualTo(eventId);
            assertThat(r.verifiedOld()).as("old secret verifies during the overlap").isTrue();
            assertThat(r.verifiedNew()).as("new secret verifies").isTrue();
        });
        assertThat(received).extracting(Received::answered).containsExactly(503, 503, 503, 200);
        List<DeliveryAttempt> history = outbox.history(endpoint.id(), 10);
        assertThat(history).extracting(DeliveryAttempt::attempt).containsExactly(4, 3, 2, 1);
        assertThat(history).extracting(a -> a.status().getAsInt()).containsExactly(200, 503, 503, 503);
        assertThat(history).extracting(DeliveryAttempt::eventId).containsOnly(eventId);
        assertThat(outbox.status(endpoint.id(), eventId).orElseThrow().attempts()).isEqualTo(4);
        assertThat(outbox.history(dead.id(), 100)).as("the dead endpoint was tried meanwhile, and failed").isNotEmpty()
                .allSatisfy(a -> assertThat(a.stateAfter()).isEqualTo(DeliveryState.PENDING));
    }
}
