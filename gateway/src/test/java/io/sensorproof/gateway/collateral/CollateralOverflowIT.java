package io.sensorproof.gateway.collateral;

import static io.sensorproof.gateway.security.TenancyWorld.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
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
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.Test;

/**
 * The watch's overflow path over the broker: with a queue of one committed batch, a burst of messages of a
 * lot device overflows it (counted), the device is marked dirty and its readings are re-read from the
 * database, so the one alert of the excursion still holds every out-of-range reading as evidence.
 */
@QuarkusTest
@TestProfile(CollateralOverflowIT.QueueOfOne.class)
@WithTestResource(EmbeddedPostgresTestResource.class)
@WithTestResource(EmbeddedBrokerTestResource.class)
class CollateralOverflowIT extends TenancyTestSupport {
    /** A queue of one committed batch, so that a burst overflows it. */
    public static class QueueOfOne implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sensorproof.collateral.queue-capacity", "1");
        }
    }

    @Inject
    MeterRegistry meters;

    CollateralOverflowIT() {
        super("cov-");
    }

    @Test
    void burstThatOverflowsTheQueueIsReReadFromTheDatabaseAndIsOneAlertWithAllItsReadings() throws Exception {
        String device = "cov-dev-1";
        SigningKey key = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO devices (tenant_id, device_id, kid, spki, alg, status, site_id) VALUES (?, ?, ?, ?, ?, 'ACTIVE', ?)")) {
            ps.setString(1, world.victim);
            ps.setString(2, device);
            ps.setBytes(3, key.verificationKey().kid());
            ps.setBytes(4, key.verificationKey().spki());
            ps.setString(5, key.algorithm().label());
            ps.setString(6, world.victimSite);
            ps.executeUpdate();
        }
        long lot = as(world.victimFactoryKey).contentType(ContentType.JSON).body(Map.of("tenant", world.victim, "siteId",
                        world.victimSite, "bank", world.bank, "name", "cold room " + device, "deviceIds", List.of(device)))
                .post("/api/v1/lots").then().statusCode(201).extract().jsonPath().getLong("id");
        as(world.bankKey).contentType(ContentType.JSON).body(Map.of("watches", List.of(Map.of("quantity", "temperature",
                        "lo", 27315, "hi", 28115, "minDurationMs", 20_000, "maxGapMs", 900_000, "samplingIntervalMs", 600_000,
                        "maxAgeMs", 86_400_000, "k", 1))))
                .put("/api/v1/lots/" + lot + "/terms").then().statusCode(200);
        // the watch has taken the device on (its first evaluation), so later readings reach it only through
        // the queue or a re-read
        await("first evaluation").atMost(Duration.ofSeconds(60)).until(() -> count(
                "SELECT count(*) FROM rule_state WHERE device_id = '" + device + "'") == 1);
        double overflowBefore = overflow();

        MqttClient client = new MqttClient(EmbeddedBrokerTestResource.url(), "collateral-overflow-it", new MemoryPersistence());
        client.connect();
        long t0 = System.currentTimeMillis() - 3_600_000;
        int seq = 0;
        // bursts of one-reading messages, all out of range, until the queue has overflowed at least once
        for (int round = 0; round < 20 && overflow() == overflowBefore; round++) {
            for (int i = 0; i < 40; i++) {
                seq++;
                long time = t0 + seq * 1000L;
                byte[] signed = ReadingMessages.sign(new ReadingPack(device, List.of(new Reading(Quantity.TEMPERATURE, 10.0, time))),
                        1, seq, time, key);
                MqttMessage m = new MqttMessage(signed);
                m.setQos(1);
                client.publish(Topics.up(world.victim, device), m);
            }
            int published = seq;
            await().atMost(Duration.ofSeconds(60)).until(() -> count("SELECT count(*) FROM messages WHERE device_id = '" + device
                    + "'") == published);
        }
        client.disconnect();
        client.close();
        assertThat(overflow()).as("the queue overflowed").isGreaterThan(overflowBefore);

        int readings = seq;
        await("every reading evaluated").atMost(Duration.ofSeconds(60)).until(() -> thresholdAlerts(lot).size() == 1
                && evidence(thresholdAlerts(lot).get(0)) == readings);
        assertThat(thresholdAlerts(lot)).hasSize(1);
    }

    private double overflow() {
        return meters.get("sensorproof.collateral.queue.overflow").counter().count();
    }

    private List<Map<String, Object>> thresholdAlerts(long lot) {
        List<Map<String, Object>> all = as(world.bankKey).queryParam("lot", lot).get("/api/v1/collateral-alerts").then()
                .statusCode(200).extract().jsonPath().getList("items");
        return all.stream().filter(a -> "THRESHOLD".equals(a.get("rule"))).toList();
    }

    private int evidence(Map<String, Object> alert) {
        JsonPath full = as(world.bankKey).get("/api/v1/collateral-alerts/" + alert.get("id")).then().statusCode(200).extract()
                .jsonPath();
        return full.getList("evidence").size();
    }

    private long count(String sql) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
