package io.sensorproof.gateway.webhooks;

import static io.sensorproof.gateway.security.TenancyWorld.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.sensorproof.gateway.EmbeddedPostgresTestResource;
import io.sensorproof.gateway.core.collateral.AlertChange;
import io.sensorproof.gateway.core.collateral.AppliedChange;
import io.sensorproof.gateway.core.collateral.ReadingKey;
import io.sensorproof.gateway.core.webhooks.DeliveryState;
import io.sensorproof.gateway.core.webhooks.WebhookEndpoint;
import io.sensorproof.gateway.core.webhooks.WebhookSecret;
import io.sensorproof.gateway.security.TenancyTestSupport;
import io.sensorproof.gateway.security.TenancyWorld;
import io.sensorproof.protocol.senml.Quantity;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway's own relay and dispatcher on a real PostgreSQL: an alert applied through
 * {@code PgCollateralAlerts.apply} reaches the bank's registered receiver (a JDK {@code HttpServer}
 * that verifies with the Standard Webhooks library) within seconds, with {@code webhook-id}
 * {@code alert-event-<event id>} and the SSE event's JSON as body; the lot's factory's endpoint gets
 * its own delivery, another bank's receiver nothing; a receiver answering 503 twice then 200 gets the same id on every attempt.
 */
@QuarkusTest
@TestProfile(WebhooksEnabledProfile.class)
@WithTestResource(EmbeddedPostgresTestResource.class)
class AlertWebhookRelayIT extends TenancyTestSupport {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicInteger DEVICES = new AtomicInteger();

    @Inject
    WebhookRuntime runtime;

    private final List<Receiver> receivers = new ArrayList<>();

    AlertWebhookRelayIT() {
        super("awr-");
    }

    /** One request as a receiver saw it. */
    record Received(String id, String body, boolean verified, int answered) {
    }

    /** A real HTTP receiver that verifies every request and answers 503 for its first {@code failures}. */
    static final class Receiver {
        final HttpServer server;
        final String secret;
        final AtomicInteger failuresLeft;
        final List<Received> received = Collections.synchronizedList(new ArrayList<>());

        Receiver(String secret, int failures) throws IOException {
            this.secret = secret;
            this.failuresLeft = new AtomicInteger(failures);
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/hooks", this::handle);
            server.start();
        }

        URI url() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hooks");
        }

        private void handle(HttpExchange exchange) throws IOException {
            String payload = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            boolean ok;
            try {
                new Webhook(secret).verify(payload, exchange.getRequestHeaders());
                ok = true;
            } catch (WebhookVerificationException e) {
                ok = false;
            }
            int status = !ok ? 401 : failuresLeft.getAndDecrement() > 0 ? 503 : 200;
            received.add(new Received(exchange.getRequestHeaders().getFirst("webhook-id"), payload, ok, status));
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        }

        List<Received> of(String webhookId) {
            synchronized (received) {
                return received.stream().filter(r -> webhookId.equals(r.id())).toList();
            }
        }
    }

    @BeforeEach
    void clearReceivers() {
        receivers.clear();
    }

    @AfterEach
    void stopReceivers() {
        receivers.forEach(r -> r.server.stop(0));
    }

    private Receiver register(String endpointId, String tenant, int failures) throws IOException {
        WebhookSecret secret = WebhookSecret.generate(RANDOM, Instant.now().minusSeconds(60));
        Receiver receiver = new Receiver(secret.value(), failures);
        receivers.add(receiver);
        runtime.outbox().save(new WebhookEndpoint(endpointId, tenant, receiver.url(), List.of(secret), true));
        return receiver;
    }

    @Test
    void anAppliedAlertReachesTheBanksReceiverVerifiedAndAnotherBankGetsNothing() throws Exception {
        String run = Long.toString(System.nanoTime(), 36);
        Receiver bank = register("awr-bank-" + run, world.bank, 0);
        Receiver otherBank = register("awr-bank2-" + run, world.bank2, 0);
        String device = device();
        long lot = lot(world.bank, device);
        String otherDevice = device();
        long otherLot = lot(world.bank2, otherDevice);
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(1200);

        AppliedChange opened = collateralAlerts.apply(change(lot, device, t0));
        String id = AlertWebhookRelay.EVENT_ID_PREFIX + opened.eventId();
        await().atMost(Duration.ofSeconds(10)).until(() -> !bank.of(id).isEmpty());
        Received got = bank.of(id).get(0);
        assertThat(got.verified()).isTrue();
        assertThat(got.answered()).isEqualTo(200);
        assertThat(got.body()).contains("\"eventId\":" + opened.eventId()).contains("\"type\":\"OPENED\"")
                .contains(device).contains("\"id\":" + opened.alertId());

        // an event of the other bank's own lot, committed later, arrives there; the bank's never did
        AppliedChange own = collateralAlerts.apply(change(otherLot, otherDevice, t0));
        String ownId = AlertWebhookRelay.EVENT_ID_PREFIX + own.eventId();
        await().atMost(Duration.ofSeconds(10)).until(() -> !otherBank.of(ownId).isEmpty());
        assertThat(otherBank.of(id)).isEmpty();
        assertThat(bank.of(ownId)).isEmpty();
        assertThat(runtime.outbox().status("awr-bank2-" + run, id)).isEmpty();
        assertThat(deliveryEndpoints(id)).as("one delivery per (endpoint, event): the lot's bank and factory only")
                .containsExactlyInAnyOrder("awr-bank-" + run, world.victimWebhookId);
        assertThat(runtime.outbox().status("awr-bank-" + run, id).orElseThrow().state()).isEqualTo(DeliveryState.DELIVERED);
    }

    @Test
    void aReceiverAnswering503ThenOkGetsTheSameIdOnEveryAttempt() throws Exception {
        String run = Long.toString(System.nanoTime(), 36);
        Receiver bank = register("awr-flaky-" + run, world.bank, 2);
        String device = device();
        long lot = lot(world.bank, device);

        AppliedChange opened = collateralAlerts.apply(change(lot, device, Instant.now().truncatedTo(ChronoUnit.MILLIS)));
        String id = AlertWebhookRelay.EVENT_ID_PREFIX + opened.eventId();
        await().atMost(Duration.ofSeconds(20)).until(() -> runtime.outbox().status("awr-flaky-" + run, id)
                .map(s -> s.state() == DeliveryState.DELIVERED).orElse(false));
        assertThat(bank.received).extracting(Received::id).containsOnly(id);
        assertThat(bank.received).extracting(Received::answered).containsExactly(503, 503, 200);
        assertThat(bank.received).allSatisfy(r -> assertThat(r.verified()).isTrue());
        assertThat(bank.received).extracting(Received::body).containsOnly(bank.received.get(0).body());
    }

    /** The endpoints with a delivery of {@code eventId}, one entry per outbox row. */
    private List<String> deliveryEndpoints(String eventId) throws Exception {
        List<String> endpoints = new ArrayList<>();
        try (Connection c = db.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT endpoint_id FROM webhook_deliveries WHERE event_id = ?")) {
            s.setString(1, eventId);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    endpoints.add(r.getString(1));
                }
            }
        }
        return endpoints;
    }

    private static AlertChange change(long lot, String device, Instant first) {
        return new AlertChange(AlertChange.Kind.OPENED, lot, device, Optional.of(Quantity.TEMPERATURE), "THRESHOLD",
                Optional.of(first), Optional.of(first.plusSeconds(900)), Optional.of(first), Optional.of(first.plusSeconds(900)),
                List.of(new ReadingKey(device, 1, 0, 0)), "rules", Instant.now());
    }

    private long lot(String bank, String device) {
        return as(world.victimFactoryKey).contentType(ContentType.JSON).body(Map.of("tenant", world.victim, "siteId",
                        world.victimSite, "bank", bank, "name", "cold room " + device, "deviceIds", List.of(device)))
                .post("/api/v1/lots").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    private String device() {
        String id = "awr-dev-" + DEVICES.incrementAndGet();
        as(world.victimFactoryKey).contentType(ContentType.JSON)
                .body(Map.of("deviceId", id, "publicKey", TenancyWorld.freshPublicKey(), "siteId", world.victimSite))
                .post("/api/v1/tenants/" + world.victim + "/devices").then().statusCode(201);
        return id;
    }
}
