package io.sensorproof.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sensorproof.gateway.standalone.EmbeddedDatabase;
import io.sensorproof.gateway.standalone.EmbeddedPostgresLauncher;
import io.sensorproof.gateway.standalone.EmbeddedPostgresSettings;
import io.sensorproof.gateway.testing.ExternalTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Two gateway replicas on one shared subscription of an external broker (Mosquitto; the test runs
 * only when {@code MQTT_EXTERNAL_URL} is set, e.g. {@code tcp://127.0.0.1:18830}) and one shared
 * PostgreSQL server (started here with the gateway's {@link EmbeddedPostgresLauncher}), with the
 * same acknowledgement key file. Three agents stream; both replicas must take part of the load;
 * then replica B is killed with SIGKILL mid-stream and nothing may be lost: the outboxes drain and
 * every outbox message is stored exactly once, no key is inserted by both replicas, and in each
 * replica's audit log every acknowledgement follows a COMMITTED line for its key.
 *
 * <p>Local run: {@code mosquitto -c conf} with {@code listener 18830 127.0.0.1} and
 * {@code allow_anonymous true}, then {@code MQTT_EXTERNAL_URL=tcp://127.0.0.1:18830 mvn ... verify}.
 */
class TwoReplicasIT {
    private static final Logger LOG = Logger.getLogger(TwoReplicasIT.class.getName());
    private static final Duration READY = Duration.ofSeconds(150);

    @Test
    void replicasSplitTheLoadAndKillingOneLosesNothing() throws Exception {
        String mqttUrl = System.getenv("MQTT_EXTERNAL_URL");
        if (mqttUrl == null || mqttUrl.isBlank()) {
            mqttUrl = System.getProperty("MQTT_EXTERNAL_URL");
        }
        ExternalTool.require(mqttUrl != null && !mqttUrl.isBlank(), "MQTT_EXTERNAL_URL is not set (an external broker such as Mosquitto)");
        long started = System.nanoTime();
        // names unique per run: the broker is shared and keeps persistent agent sessions
        String run = Long.toString(System.currentTimeMillis() % 100_000_000L, 36);
        Path root = Path.of("target", "resilience", "two-replicas").toAbsolutePath();
        GatewayProcess.deleteTree(root);
        Files.createDirectories(root);

        List<StreamingAgent> agents = new ArrayList<>();
        GatewayProcess a = null;
        GatewayProcess b = null;
        try (EmbeddedDatabase database = EmbeddedPostgresLauncher.withDefaults()
                .start(EmbeddedPostgresSettings.under(root.resolve("shared-db"), 0))) {
            Map<String, String> datasource = database.quarkusDatasourceProperties();
            a = GatewayProcess.start("replica A", root.resolve("replica-a"), GatewayProcess.freePort(), replicaEnv(mqttUrl, run, "a", root),
                    datasource, root.resolve("replica-a.log"));
            a.awaitReady(READY);
            // B after A: A creates the schema, the operator key and the shared acknowledgement key
            b = GatewayProcess.start("replica B", root.resolve("replica-b"), GatewayProcess.freePort(), replicaEnv(mqttUrl, run, "b", root),
                    datasource, root.resolve("replica-b.log"));
            b.awaitReady(READY);
            LOG.info(() -> "replicas up after " + seconds(started) + " s");
            String apiKey = a.operatorKey();
            byte[] ackKey = a.ackKeySpki(apiKey);
            assertThat(b.ackKeySpki(apiKey)).as("both replicas sign with the same key").isEqualTo(ackKey);
            String tenant = "rep" + run;
            a.createTenant(apiKey, tenant);
            for (int i = 1; i <= 3; i++) {
                StreamingAgent agent = new StreamingAgent(tenant, "sensor-" + i);
                a.registerDevice(apiKey, tenant, agent.device, agent.key.verificationKey().spki());
                agents.add(agent);
            }
            for (StreamingAgent agent : agents) {
                agent.start(root.resolve("agent-" + agent.device), mqttUrl, ackKey, 4);
            }

            // both replicas take a share of the stream
            GatewayProcess replicaA = a;
            GatewayProcess replicaB = b;
            await("both replicas insert a share of the stream").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> AuditTrail.read(replicaA.auditLog()).inserted().size() >= 30
                            && AuditTrail.read(replicaB.auditLog()).inserted().size() >= 30);
            int bBeforeKill = AuditTrail.read(b.auditLog()).inserted().size();
            int aBeforeKill = AuditTrail.read(a.auditLog()).inserted().size();
            b.kill9();
            long killedAt = System.nanoTime();
            LOG.info(() -> "replica B killed after " + bBeforeKill + " inserts, " + seconds(started) + " s");
            // the stream goes on: replica A takes over B's share
            await("replica A inserts after B was killed").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> AuditTrail.read(replicaA.auditLog()).inserted().size() >= aBeforeKill + 30);
            for (StreamingAgent agent : agents) {
                agent.stopFeeding();
            }
            for (StreamingAgent agent : agents) {
                assertThat(agent.agent().awaitDrained(Duration.ofSeconds(60))).as("%s drained: %s", agent.device, agent.agent().describe())
                        .isTrue();
            }
            LOG.info(() -> "drained " + seconds(killedAt) + " s after the kill");

            MessageRows db = new MessageRows(database.jdbcUrl());
            List<Set<String>> stored = new ArrayList<>();
            for (StreamingAgent agent : agents) {
                stored.add(db.assertStoredExactlyOnce(agent));
                LOG.info(() -> agent.device + ": " + agent.agent().describe());
            }
            Set<String> inDb = MessageRows.union(stored);

            AuditTrail auditA = AuditTrail.read(a.auditLog());
            AuditTrail auditB = AuditTrail.read(b.auditLog());
            for (AuditTrail audit : List.of(auditA, auditB)) {
                assertThat(audit.ackedBeforeCommitted()).as("acknowledgements without an earlier COMMITTED line").isEmpty();
                assertThat(audit.rejected()).as("signed rejections").isEmpty();
                assertThat(inDb).as("every acknowledged key is in the database").containsAll(audit.acked());
            }
            assertThat(auditA.inserted()).as("A inserted").isNotEmpty();
            assertThat(auditB.inserted()).as("B inserted").isNotEmpty();
            List<String> bothInserted = new ArrayList<>(auditA.inserted());
            bothInserted.addAll(auditB.inserted());
            assertThat(bothInserted).as("no key inserted twice, by one replica or by both").doesNotHaveDuplicates();
            assertThat(inDb).containsAll(bothInserted);
            Set<String> committed = new java.util.HashSet<>(auditA.committed());
            committed.addAll(auditB.committed());
            assertThat(committed).as("every stored key has a COMMITTED line in a replica's log").isEqualTo(inDb);
            assertThat(a.storedMessagesMetric()).as("A's sensorproof_ingest_stored_messages_total")
                    .isEqualTo((double) auditA.inserted().size());
            long aShare = auditA.inserted().size();
            long bShare = auditB.inserted().size();
            LOG.info(() -> "stored " + inDb.size() + " messages exactly once; inserted by A " + aShare + ", by B " + bShare
                    + " (killed); test took " + seconds(started) + " s");
        } finally {
            for (StreamingAgent agent : agents) {
                agent.close();
            }
            if (b != null && b.isAlive()) {
                b.kill9();
            }
            if (a != null) {
                a.stop();
            }
        }
    }

    private static Map<String, String> replicaEnv(String mqttUrl, String run, String replica, Path root) {
        Map<String, String> env = new HashMap<>();
        env.put("SENSORPROOF_MQTT_URL", mqttUrl);
        env.put("SENSORPROOF_MQTT_CLIENT_ID", "it-" + run + "-replica-" + replica);
        env.put("SENSORPROOF_MQTT_SHARE_GROUP", "it" + run);
        env.put("SENSORPROOF_ACK_KEY_FILE", root.resolve("ack-key.p8").toString());
        return env;
    }

    private static long seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1_000_000_000L;
    }
}
