package io.sensorproof.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.sensorproof.gateway.collateral.PgCollateralAlerts;
import io.sensorproof.gateway.core.webhooks.WebhookSecret;
import io.sensorproof.gateway.webhooks.AlertWebhookRelay;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Webhook delivery across SIGKILL of the standalone gateway (a separate JVM, {@link GatewayProcess}):
 * alert events are committed (as {@code PgCollateralAlerts} commits them: under its advisory lock,
 * with the alert row) while the bank's receiver answers 503, so their deliveries are pending and
 * being retried; more are committed just before the kill, so some may not even be relayed yet. The
 * receiver then answers 200 and the gateway is restarted on the same data: every alert is delivered,
 * none lost, each with the same {@code webhook-id} and body on every attempt, verified by the Standard
 * Webhooks library, one outbox row per event.
 */
class WebhookCrashIT {
    private static final Logger LOG = Logger.getLogger(WebhookCrashIT.class.getName());
    private static final Duration READY = Duration.ofSeconds(150);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One request as the receiver saw it. */
    record Received(String id, String body, boolean verified, int answered) {
    }

    private final List<Received> received = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger answer = new AtomicInteger(503);
    private volatile String secret;

    @Test
    void everyAlertIsDeliveredWithItsIdAfterKill9WhileTheReceiverAnswered503() throws Exception {
        Path root = Path.of("target", "resilience", "webhook-crash").toAbsolutePath();
        GatewayProcess.deleteTree(root);
        Path dataDir = root.resolve("gateway-data");
        Files.createDirectories(root);
        int http = GatewayProcess.freePort();
        GatewayProcess.StandalonePorts ports = GatewayProcess.StandalonePorts.free();
        Map<String, String> env = new HashMap<>(ports.env("webhook-crash-it"));
        // a short request timeout makes the claim lease (2 x timeout + 30 s) that the kill leaves behind run out sooner
        env.put("SENSORPROOF_WEBHOOKS_REQUEST_TIMEOUT", "2s");
        MessageRows db = new MessageRows(ports.jdbcUrl());

        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hooks", this::handle);
        receiver.start();
        GatewayProcess first = null;
        GatewayProcess second = null;
        try {
            first = GatewayProcess.start("gateway run 1", dataDir, http, env, Map.of(), root.resolve("gateway-run1.log"));
            first.awaitReady(READY);
            long lot;
            String endpoint = "bank-receiver";
            try (Connection c = db.connect()) {
                lot = world(c);
                WebhookSecret s = WebhookSecret.generate(RANDOM, Instant.now().minusSeconds(60));
                secret = s.value();
                exec(c, "INSERT INTO webhook_endpoints (id, tenant_id, url) VALUES (?, 'wc-bank', ?)", endpoint,
                        "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hooks");
                exec(c, "INSERT INTO webhook_secrets (endpoint_id, secret, valid_from) VALUES (?, ?, now() - interval '1 minute')",
                        endpoint, s.value());
            }
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ids.add(AlertWebhookRelay.EVENT_ID_PREFIX + alertEvent(db, lot, i));
            }
            // pending and being retried: each seen by the receiver at least once, answered 503
            await().atMost(Duration.ofSeconds(60)).until(() -> ids.stream().allMatch(id -> !of(id).isEmpty()));
            for (int i = 3; i < 6; i++) {
                ids.add(AlertWebhookRelay.EVENT_ID_PREFIX + alertEvent(db, lot, i));
            }
            first.kill9();
            int beforeRestart = received.size();
            LOG.info(() -> "gateway killed; the receiver saw " + beforeRestart + " attempts, all answered 503");
            assertThat(received).extracting(Received::answered).containsOnly(503);
            answer.set(200);
            GatewayProcess.killLeftovers(dataDir);

            second = GatewayProcess.start("gateway run 2", dataDir, http, env, Map.of(), root.resolve("gateway-run2.log"));
            second.awaitReady(READY);
            await().atMost(Duration.ofSeconds(120))
                    .until(() -> ids.stream().allMatch(id -> of(id).stream().anyMatch(r -> r.answered() == 200)));

            Set<String> seen;
            synchronized (received) {
                seen = new TreeSet<>(received.stream().map(Received::id).toList());
            }
            assertThat(seen).as("only the six events' ids, each kept across attempts").containsExactlyInAnyOrderElementsOf(ids);
            for (String id : ids) {
                List<Received> attempts = of(id);
                assertThat(attempts).allSatisfy(r -> assertThat(r.verified()).as(id + " verifies").isTrue());
                assertThat(attempts).extracting(Received::body).as(id + " has one body").containsOnly(attempts.get(0).body());
            }
            try (Connection c = db.connect();
                    PreparedStatement ps = c.prepareStatement("SELECT event_id, state FROM webhook_deliveries WHERE endpoint_id = ?")) {
                ps.setString(1, endpoint);
                Map<String, String> rows = new HashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        assertThat(rows.put(rs.getString(1), rs.getString(2))).as("one outbox row per event").isNull();
                    }
                }
                assertThat(rows.keySet()).containsExactlyInAnyOrderElementsOf(ids);
                await().atMost(Duration.ofSeconds(10)).until(() -> delivered(db, endpoint) == ids.size());
            }
        } finally {
            receiver.stop(0);
            if (second != null) {
                second.stop();
            }
            if (first != null && first.isAlive()) {
                first.kill9();
            }
            GatewayProcess.killLeftovers(dataDir);
        }
    }

    private static int delivered(MessageRows db, String endpoint) throws Exception {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = ? AND state = 'DELIVERED'")) {
            ps.setString(1, endpoint);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private List<Received> of(String id) {
        synchronized (received) {
            return received.stream().filter(r -> id.equals(r.id())).toList();
        }
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
        int status = ok ? answer.get() : 401;
        received.add(new Received(exchange.getRequestHeaders().getFirst("webhook-id"), payload, ok, status));
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    /** A factory with a site and six devices, a bank, and a lot of the factory pledged to the bank; returns the lot id. */
    private static long world(Connection c) throws Exception {
        exec(c, "INSERT INTO tenants (id, name, kind) VALUES ('wc-factory', 'factory', 'factory'), ('wc-bank', 'bank', 'bank')");
        exec(c, "INSERT INTO sites (tenant_id, site_id, name) VALUES ('wc-factory', 'cold', 'cold room')");
        long lot;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO lots (factory_tenant_id, site_id, bank_tenant_id, name)"
                + " VALUES ('wc-factory', 'cold', 'wc-bank', 'pledged goods') RETURNING id");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            lot = rs.getLong(1);
        }
        for (int i = 0; i < 6; i++) {
            byte[] kid = new byte[8];
            RANDOM.nextBytes(kid);
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO devices (device_id, tenant_id, kid, spki, alg) VALUES (?, 'wc-factory', ?, ?, 'ES256')")) {
                ps.setString(1, "wc-dev-" + i);
                ps.setBytes(2, kid);
                ps.setBytes(3, kid);
                ps.executeUpdate();
            }
            exec(c, "INSERT INTO lot_devices (lot_id, device_id) VALUES (?, ?)", lot, "wc-dev-" + i);
        }
        return lot;
    }

    /** Commits an alert and its OPENED event the way {@code PgCollateralAlerts} does; returns the event id. */
    private static long alertEvent(MessageRows db, long lot, int device) throws Exception {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            exec(c, "SELECT pg_advisory_xact_lock(?)", PgCollateralAlerts.EVENT_LOCK);
            long alert;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO collateral_alerts (lot_id, device_id, quantity, rule, state,"
                    + " opened_at, opened_by, updated_at) VALUES (?, ?, 'temperature', 'THRESHOLD', 'OPEN', now(), 'rules', now())"
                    + " RETURNING id")) {
                ps.setLong(1, lot);
                ps.setString(2, "wc-dev-" + device);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    alert = rs.getLong(1);
                }
            }
            long event;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO alert_events (alert_id, lot_id, factory_tenant_id,"
                    + " bank_tenant_id, type, alert) VALUES (?, ?, 'wc-factory', 'wc-bank', 'OPENED', ?::jsonb) RETURNING id")) {
                ps.setLong(1, alert);
                ps.setLong(2, lot);
                ps.setString(3, "{\"id\":" + alert + ",\"lotId\":" + lot + ",\"deviceId\":\"wc-dev-" + device + "\",\"state\":\"OPEN\"}");
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    event = rs.getLong(1);
                }
            }
            c.commit();
            return event;
        }
    }

    private static void exec(Connection c, String sql, Object... args) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.execute();
        }
    }
}
