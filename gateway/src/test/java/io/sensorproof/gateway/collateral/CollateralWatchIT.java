package io.sensorproof.gateway.collateral;

import static io.sensorproof.gateway.security.TenancyWorld.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.sensorproof.gateway.EmbeddedBrokerTestResource;
import io.sensorproof.gateway.EmbeddedPostgresTestResource;
import io.sensorproof.gateway.security.TenancyTestSupport;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.ids.Topics;
import io.sensorproof.protocol.message.ReadingMessages;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import io.sensorproof.protocol.senml.ReadingPack;
import java.net.URI;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Committed readings → rules engine → collateral alerts, end to end on the running gateway with a real
 * PostgreSQL and the real broker: signed reading messages (device times backdated, as a backlog would
 * be) are published over MQTT and ingested; the watch evaluates them with the lot's terms (8 °C hi,
 * 20 s minimum duration) and the bank sees the alerts in the REST API and on its SSE stream, another
 * bank sees nothing.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresTestResource.class)
@WithTestResource(EmbeddedBrokerTestResource.class)
class CollateralWatchIT extends TenancyTestSupport {
    private static final AtomicInteger DEVICES = new AtomicInteger();
    private static final double IN = 4.0;
    private static final double OUT = 10.0;

    @TestHTTPResource("/api/v1/collateral-alerts/stream")
    URI stream;

    private MqttClient client;

    CollateralWatchIT() {
        super("cw-");
    }

    @BeforeEach
    void connect() throws Exception {
        client = new MqttClient(EmbeddedBrokerTestResource.url(), "collateral-watch-it-" + DEVICES.incrementAndGet(),
                new MemoryPersistence());
        client.connect();
    }

    @AfterEach
    void disconnect() throws Exception {
        client.disconnect();
        client.close();
    }

    @Test
    void sustainedExcursionIsExactlyOneAlertForTheBankOnRestAndSseAndAnotherBankSeesNothing() throws Exception {
        Device d = device();
        long lot = lotWithTerms(d.id(), 600_000, 900_000);
        try (SseClient bank = SseClient.open(stream, world.bankKey, null);
                SseClient otherBank = SseClient.open(stream, world.bank2Key, null)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> bank.status() == 200 && otherBank.status() == 200);
            long t0 = System.currentTimeMillis() - 240_000;
            // in 0–10 s, out 15–60 s, back in 65–80 s; in messages of four readings
            publish(d, t0, 0, 80, s -> s >= 15 && s <= 60 ? OUT : IN);
            awaitEvaluated(d);

            await().atMost(Duration.ofSeconds(30)).until(() -> alerts(world.bankKey, lot).size() == 1
                    && "RESOLVED".equals(alerts(world.bankKey, lot).get(0).get("state")));
            List<Map<String, Object>> seen = alerts(world.bankKey, lot);
            assertThat(seen).hasSize(1);
            JsonPath alert = as(world.bankKey).get("/api/v1/collateral-alerts/" + seen.get(0).get("id")).then().statusCode(200)
                    .extract().jsonPath();
            assertThat(alert.getString("rule")).isEqualTo("THRESHOLD");
            assertThat(alert.getString("quantity")).isEqualTo("temperature");
            assertThat(java.time.Instant.parse(alert.getString("firstOutOfRangeAt")).toEpochMilli()).isEqualTo(t0 + 15_000);
            assertThat(java.time.Instant.parse(alert.getString("lastOutOfRangeAt")).toEpochMilli()).isEqualTo(t0 + 60_000);
            assertThat(alert.getList("evidence")).hasSize(10);
            assertThat(as(world.bank2Key).queryParam("limit", 1000).get("/api/v1/collateral-alerts").then().statusCode(200)
                    .extract().jsonPath().getList("items.deviceId", String.class)).doesNotContain(d.id());

            await().atMost(Duration.ofSeconds(10)).until(() -> bank.events().stream()
                    .anyMatch(e -> "OPENED".equals(e.type()) && e.data().contains("\"" + d.id() + "\"")));
            assertThat(bank.events()).filteredOn(e -> "OPENED".equals(e.type()) && e.data().contains("\"" + d.id() + "\""))
                    .hasSize(1);
            assertThat(otherBank.events()).extracting(SseClient.Event::data).noneMatch(data -> data.contains("\"" + d.id() + "\""));
        }
    }

    @Test
    void spikeShorterThanTheMinimumDurationOpensNothing() throws Exception {
        Device d = device();
        long lot = lotWithTerms(d.id(), 600_000, 900_000);
        long t0 = System.currentTimeMillis() - 240_000;
        // out 15–25 s: 10 s < 20 s
        publish(d, t0, 0, 60, s -> s >= 15 && s <= 25 ? OUT : IN);

        awaitEvaluated(d);

        assertThat(alerts(world.bankKey, lot)).isEmpty();
    }

    @Test
    void oscillationAroundTheThresholdIsOneAlert() throws Exception {
        Device d = device();
        long lot = lotWithTerms(d.id(), 600_000, 900_000);
        long t0 = System.currentTimeMillis() - 240_000;
        // 8.3 °C and 7.8 °C in turn for 90 s: 7.8 is inside [0, 8] but not inside the hysteresis band
        publish(d, t0, 0, 90, s -> s % 10 == 0 ? 8.3 : 7.8);

        awaitEvaluated(d);

        await().atMost(Duration.ofSeconds(30)).until(() -> alerts(world.bankKey, lot).size() == 1);
        assertThat(alerts(world.bankKey, lot)).hasSize(1);
    }

    @Test
    void lateReadingsThatCompleteTheDurationOpenTheAlert() throws Exception {
        Device d = device();
        long lot = lotWithTerms(d.id(), 600_000, 900_000);
        long t0 = System.currentTimeMillis() - 240_000;
        // first the edges: in 0–10 s, out 15–20 s, in 50–60 s
        publish(d, t0, 0, 60, s -> s <= 10 || s >= 50 ? IN : s <= 20 ? OUT : Double.NaN);
        awaitEvaluated(d);
        assertThat(alerts(world.bankKey, lot)).isEmpty();

        // then the backlog 25–45 s in one message, all out: 15–45 s is 30 s out of range (one message: the store
        // ignores updates of an alert it already resolved, so a backlog split over messages would leave lastOutOfRange short)
        publish(d, t0, 25, 45, 10, s -> OUT);
        awaitEvaluated(d);

        await().atMost(Duration.ofSeconds(30)).until(() -> alerts(world.bankKey, lot).size() == 1);
        JsonPath alert = as(world.bankKey).get("/api/v1/collateral-alerts/" + alerts(world.bankKey, lot).get(0).get("id"))
                .then().statusCode(200).extract().jsonPath();
        assertThat(java.time.Instant.parse(alert.getString("firstOutOfRangeAt")).toEpochMilli()).isEqualTo(t0 + 15_000);
        assertThat(java.time.Instant.parse(alert.getString("lastOutOfRangeAt")).toEpochMilli()).isEqualTo(t0 + 45_000);
    }

    @Test
    void aSilentDeviceOpensAGapAlert() throws Exception {
        Device d = device();
        // sampling every 5 s, maxGap 9 s: silent after 18 s without a reading
        long lot = lotWithTerms(d.id(), 5_000, 9_000);
        long t0 = System.currentTimeMillis() - 1_000;
        publish(d, t0, 0, 0, s -> IN);
        awaitEvaluated(d);

        await().atMost(Duration.ofSeconds(60)).until(() -> alerts(world.bankKey, lot).stream()
                .anyMatch(a -> "GAP".equals(a.get("rule"))));
        assertThat(alerts(world.bankKey, lot)).extracting(a -> a.get("rule")).containsExactly("GAP");
    }

    /** A device of the victim factory with a key the test signs with. */
    private record Device(String id, SigningKey key, AtomicInteger seq) {
    }

    private Device device() throws Exception {
        String id = "cw-dev-" + DEVICES.incrementAndGet();
        SigningKey key = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO devices (tenant_id, device_id, kid, spki, alg, status, site_id) VALUES (?, ?, ?, ?, ?, 'ACTIVE', ?)")) {
            ps.setString(1, world.victim);
            ps.setString(2, id);
            ps.setBytes(3, key.verificationKey().kid());
            ps.setBytes(4, key.verificationKey().spki());
            ps.setString(5, key.algorithm().label());
            ps.setString(6, world.victimSite);
            ps.executeUpdate();
        }
        return new Device(id, key, new AtomicInteger());
    }

    /** A lot of the victim factory financed by {@code world.bank}, with terms 0–8 °C, 20 s, k = 1. */
    private long lotWithTerms(String device, long samplingMs, long maxGapMs) {
        long id = as(world.victimFactoryKey).contentType(ContentType.JSON).body(Map.of("tenant", world.victim, "siteId",
                        world.victimSite, "bank", world.bank, "name", "cold room " + device, "deviceIds", List.of(device)))
                .post("/api/v1/lots").then().statusCode(201).extract().jsonPath().getLong("id");
        as(world.bankKey).contentType(ContentType.JSON).body(Map.of("watches", List.of(Map.of("quantity", "temperature",
                        "lo", 27315, "hi", 28115, "minDurationMs", 20_000, "maxGapMs", maxGapMs, "samplingIntervalMs", samplingMs,
                        "maxAgeMs", 86_400_000, "k", 1))))
                .put("/api/v1/lots/" + id + "/terms").then().statusCode(200);
        return id;
    }

    /**
     * Publishes readings every 5 s of device time from {@code t0 + from} to {@code t0 + to} seconds, four per
     * message (or {@code perMessage}); a NaN value leaves that time out. Waits until every message is stored.
     */
    private void publish(Device d, long t0, int from, int to, LongFunction<Double> value) throws Exception {
        publish(d, t0, from, to, 4, value);
    }

    private void publish(Device d, long t0, int from, int to, int perMessage, LongFunction<Double> value) throws Exception {
        List<Reading> pending = new ArrayList<>();
        int published = 0;
        for (int s = from; s <= to; s += 5) {
            double v = value.apply(s);
            if (!Double.isNaN(v)) {
                pending.add(new Reading(Quantity.TEMPERATURE, v, t0 + s * 1000L));
            }
            if (pending.size() == perMessage || (s + 5 > to && !pending.isEmpty())) {
                long deviceTime = pending.get(pending.size() - 1).timeMillis();
                byte[] signed = ReadingMessages.sign(new ReadingPack(d.id(), pending), 1, d.seq().incrementAndGet(), deviceTime,
                        d.key());
                MqttMessage m = new MqttMessage(signed);
                m.setQos(1);
                client.publish(Topics.up(world.victim, d.id()), m);
                published++;
                pending = new ArrayList<>();
            }
        }
        int expected = d.seq().get();
        assertThat(published).isPositive();
        await().atMost(Duration.ofSeconds(30)).until(() -> count("SELECT count(*) FROM messages WHERE device_id = '" + d.id() + "'")
                == expected);
    }

    /** Waits until the watch evaluated every stored reading of the device (its stored position reached them). */
    private void awaitEvaluated(Device d) {
        await("evaluation of " + d.id()).atMost(Duration.ofSeconds(30)).until(() -> count("SELECT count(*) FROM rule_state s"
                + " WHERE s.device_id = '" + d.id() + "' AND s.position >= (SELECT max(received_at) FROM readings r"
                + " WHERE r.device_id = s.device_id)") == 1);
    }

    private List<Map<String, Object>> alerts(String key, long lot) {
        return as(key).queryParam("lot", lot).get("/api/v1/collateral-alerts").then().statusCode(200).extract().jsonPath()
                .getList("items");
    }

    private long count(String sql) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
