package io.sensorproof.gateway.ops;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.sensorproof.gateway.EmbeddedBrokerTestResource;
import io.sensorproof.gateway.EmbeddedPostgresTestResource;
import io.sensorproof.gateway.security.OperatorKey;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.ids.Topics;
import io.sensorproof.protocol.message.ReadingMessages;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import io.sensorproof.protocol.senml.ReadingPack;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

/**
 * What an operator watches: Prometheus metrics (ingest latency histogram, batch sizes, queue depth,
 * messages in, refusals by reason, the devices' reported backlog; no per-device label), readiness
 * of database and broker, and per-message log records that carry (device, boot, seq).
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresTestResource.class)
@WithTestResource(EmbeddedBrokerTestResource.class)
class OperationsIT {
    @Inject
    AgroalDataSource db;

    @Test
    void metricsHealthAndStructuredLogsDescribeIngestion() throws Exception {
        List<ExtLogRecord> records = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record instanceof ExtLogRecord ext) {
                    ext.copyMdc();
                    records.add(ext);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger category = java.util.logging.Logger.getLogger(IngestTelemetry.LOG_CATEGORY);
        category.addHandler(capture);
        try {
            SigningKey key = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
            SigningKey stranger = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
            OperatorKey.authorized().contentType("application/json").body(Map.of("id", "ops", "name", "Ops"))
                    .post("/api/v1/tenants").then().statusCode(201);
            OperatorKey.authorized().contentType("application/json")
                    .body(Map.of("deviceId", "ops-1", "publicKey", Base64.getEncoder().encodeToString(key.verificationKey().spki())))
                    .post("/api/v1/tenants/ops/devices").then().statusCode(201);

            long now = System.currentTimeMillis();
            ReadingPack pack = new ReadingPack("ops-1", List.of(new Reading(Quantity.TEMPERATURE, 4.5, now - 1000)));
            MqttClient client = new MqttClient(EmbeddedBrokerTestResource.url(), "operations-test", new MemoryPersistence());
            client.connect();
            String up = Topics.up("ops", "ops-1");
            for (int seq = 1; seq <= 5; seq++) {
                // one reading time per message: the store keeps one reading per device, quantity and time
                ReadingPack own = new ReadingPack("ops-1", List.of(new Reading(Quantity.TEMPERATURE, 4.5, now - 1000 + seq)));
                client.publish(up, qos1(ReadingMessages.sign(own, 3, seq, now, key)));
            }
            // signed by a key nobody registered, claiming ops-1's topic: refused as UNKNOWN_KEY
            client.publish(up, qos1(ReadingMessages.sign(pack, 3, 99, now, stranger)));
            waitFor("SELECT count(*) FROM messages WHERE device_id = 'ops-1'", 5);
            waitFor("SELECT count(*) FROM quarantine WHERE topic = '" + up + "'", 1);
            client.disconnect();
            client.close();

            String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
            assertThat(counter(metrics, "sensorproof_ingest_received_total")).isGreaterThanOrEqualTo(6);
            assertThat(counter(metrics, "sensorproof_ingest_latency_seconds_count{outcome=\"stored\"")).isGreaterThanOrEqualTo(5);
            assertThat(counter(metrics, "sensorproof_ingest_latency_seconds_count{outcome=\"rejected\"")).isGreaterThanOrEqualTo(1);
            assertThat(metrics).contains("sensorproof_ingest_latency_seconds_bucket{outcome=\"stored\",le=\"0.1\"}");
            assertThat(metrics).contains("sensorproof_ingest_batch_size_bucket{le=\"10.0\"}");
            assertThat(metrics).contains("sensorproof_ingest_batch_processing_seconds_bucket");
            assertThat(metrics).containsPattern("sensorproof_ingest_queue_depth\\{transport=\"mqtt\"\\} \\d");
            assertThat(counter(metrics, "sensorproof_ingest_rejected_total{reason=\"UNKNOWN_KEY\"")).isGreaterThanOrEqualTo(1);
            assertThat(metrics).contains("sensorproof_devices_outbox_messages ");
            assertThat(metrics).as("no per-device labels").doesNotContain("device=\"").doesNotContain("ops-1");

            String ready = given().get("/q/health/ready").then().statusCode(200).extract().asString();
            assertThat(ready).contains("\"mqtt-broker\"").contains("\"connected\": true").contains("database-durability");

            List<ExtLogRecord> refusals = new ArrayList<>();
            for (ExtLogRecord r : records) {
                if ("UNKNOWN_KEY".equals(r.getMdc("reason"))) {
                    refusals.add(r);
                }
            }
            assertThat(refusals).singleElement().satisfies(r -> {
                assertThat(r.getMdc("device")).isEqualTo("ops-1");
                assertThat(r.getMdc("boot")).isEqualTo("3");
                assertThat(r.getMdc("seq")).isEqualTo("99");
                assertThat(r.getMdc("topic")).isEqualTo(up);
                assertThat(r.getLevel().getName()).isEqualTo("INFO");
            });
            // the file the running application logs to (per failsafe fork: TestDataDirs)
            Path jsonLog = Path.of(ConfigProvider.getConfig().getValue("quarkus.log.file.path", String.class));
            assertThat(jsonLog).exists();
            assertThat(Files.readAllLines(jsonLog, StandardCharsets.UTF_8))
                    .anyMatch(line -> line.startsWith("{") && line.contains("\"reason\":\"UNKNOWN_KEY\"") && line.contains("\"seq\":\"99\""));
        } finally {
            category.removeHandler(capture);
        }
    }

    private static double counter(String metrics, String prefix) {
        Matcher m = Pattern.compile("^" + Pattern.quote(prefix) + "[^ ]* ([0-9.eE+-]+)$", Pattern.MULTILINE).matcher(metrics);
        assertThat(m.find()).as("metric %s in the scrape; lines of that family: %s", prefix,
                metrics.lines().filter(l -> l.startsWith(prefix.replaceAll("\\{.*", ""))).toList()).isTrue();
        return Double.parseDouble(m.group(1));
    }

    private static MqttMessage qos1(byte[] payload) {
        MqttMessage m = new MqttMessage(payload);
        m.setQos(1);
        return m;
    }

    private void waitFor(String sql, long expected) throws Exception {
        await(sql).atMost(Duration.ofSeconds(30)).until(() -> count(sql) >= expected);
        assertThat(count(sql)).as(sql).isEqualTo(expected);
    }

    private long count(String sql) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
