package io.sensorproof.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.sensorproof.agent.EdgeAgent;
import io.sensorproof.agent.config.AgentConfig;
import io.sensorproof.protocol.retry.Backoff;
import io.sensorproof.agent.transport.MqttTransport;
import io.sensorproof.gateway.EmbeddedBrokerTestResource;
import io.sensorproof.gateway.EmbeddedPostgresTestResource;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.ids.Topics;
import io.sensorproof.protocol.message.ReadingMessages;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import io.sensorproof.protocol.senml.ReadingPack;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.Test;

/**
 * The real edge agent publishes to the gateway through the standalone broker process; its
 * readings land in PostgreSQL once, its outbox drains on verified acknowledgements, and a forged
 * message under its kid lands in quarantine with its code.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresTestResource.class)
@WithTestResource(EmbeddedBrokerTestResource.class)
class AgentIngestIT {
    @Inject
    AgroalDataSource db;
    @Inject
    IngestService ingest;

    @Test
    void agentReadingsAreStoredOnceAndForgeriesQuarantined() throws Exception {
        SigningKey device = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
        execute("INSERT INTO tenants (id, name) VALUES ('acme', 'Acme Cold Storage') ON CONFLICT DO NOTHING");
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO devices (tenant_id, device_id, kid, spki, alg, status) VALUES ('acme', 'cold-room-7', ?, ?, ?, 'ACTIVE')")) {
            ps.setBytes(1, device.verificationKey().kid());
            ps.setBytes(2, device.verificationKey().spki());
            ps.setString(3, device.algorithm().label());
            ps.executeUpdate();
        }
        Path agentDir = Files.createTempDirectory("agent");
        Properties p = new Properties();
        p.setProperty("tenant", "acme");
        p.setProperty("device", "cold-room-7");
        p.setProperty("data.dir", agentDir.toString());
        p.setProperty("gateway.ack-key", Base64.getEncoder().encodeToString(ingest.ackKey().spki()));
        p.setProperty("mqtt.url", EmbeddedBrokerTestResource.url());
        p.setProperty("pack.max-age-millis", "100");
        AgentConfig config = AgentConfig.resolve(p, Map.of());
        long t0 = System.currentTimeMillis() - 60_000;
        try (EdgeAgent agent = EdgeAgent.start(config, device, ingest.ackKey(),
                metrics -> new MqttTransport(config, new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2), new SecureRandom()),
                        metrics::recordBackoff), Clock.systemUTC())) {
            for (int i = 0; i < 500; i++) {
                agent.submit(reading(i, t0 + i * 10L));
            }
            agent.flush();
            assertThat(agent.awaitDrained(Duration.ofSeconds(60))).as("drained: %s", agent.describe()).isTrue();
            // the heartbeat sent at connect is verified and kept: boot and clock skew of this run
            long bootOfRun = agent.boot();
            io.restassured.response.Response status = await("the device status").atMost(Duration.ofSeconds(10))
                    .until(() -> io.sensorproof.gateway.security.OperatorKey.authorized().get("/api/v1/devices/cold-room-7/status"),
                            r -> r.statusCode() == 200);
            assertThat(status.statusCode()).as(status.asString()).isEqualTo(200);
            assertThat(status.jsonPath().getLong("boot")).isEqualTo(bootOfRun);
            assertThat(Math.abs(status.jsonPath().getLong("skewMillis"))).as("same clock on both sides").isLessThan(5_000);
        }
        assertThat(count("SELECT count(*) FROM messages WHERE device_id = 'cold-room-7'")).isEqualTo(50);
        assertThat(count("SELECT count(*) FROM readings WHERE device_id = 'cold-room-7'")).isEqualTo(500);
        // and through the operator API, page by page
        int fromApi = 0;
        String cursor = null;
        do {
            io.restassured.response.Response page = io.sensorproof.gateway.security.OperatorKey.authorized()
                    .queryParam("limit", 200).queryParam("cursor", cursor == null ? "" : cursor)
                    .get("/api/v1/devices/cold-room-7/readings");
            assertThat(page.statusCode()).as(page.asString()).isEqualTo(200);
            fromApi += page.jsonPath().getList("items").size();
            cursor = page.jsonPath().getString("nextCursor");
        } while (cursor != null && !cursor.isEmpty());
        assertThat(fromApi).isEqualTo(500);

        SigningKey forger = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
        ReadingPack pack = new ReadingPack("cold-room-7", List.of(new Reading(Quantity.TEMPERATURE, 30, t0)));
        byte[] forged = ReadingMessages.sign(pack, 999, 1, System.currentTimeMillis(), forger);
        MqttClient attacker = new MqttClient(EmbeddedBrokerTestResource.url(), "attacker", new MemoryPersistence());
        attacker.connect();
        attacker.publish(Topics.up("acme", "cold-room-7"), new MqttMessage(forged));
        attacker.disconnect();
        attacker.close();
        await("the forged message quarantined").atMost(Duration.ofSeconds(20)).until(() -> count("SELECT count(*) FROM quarantine") > 0);
        assertThat(count("SELECT count(*) FROM quarantine WHERE reason = 'UNKNOWN_KEY'")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM messages WHERE boot = 999")).isZero();
    }

    private void execute(String sql) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.executeUpdate();
        }
    }

    private long count(String sql) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Reading {@code i} of a mixed stream: temperature, humidity and an emissions register that
     * rises by one gram per reading (a register never decreases).
     */
    private static Reading reading(int i, long time) {
        return switch (i % 3) {
            case 0 -> new Reading(Quantity.TEMPERATURE, 10 + i % 20, time);
            case 1 -> new Reading(Quantity.HUMIDITY, 10 + i % 20, time);
            default -> new Reading(Quantity.CO2E_REGISTER, 1_000 + i, time);
        };
    }
}
