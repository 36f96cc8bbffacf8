package io.sensorproof.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sensorproof.gateway.standalone.EmbeddedDatabase;
import io.sensorproof.gateway.standalone.EmbeddedPostgresLauncher;
import io.sensorproof.gateway.standalone.EmbeddedPostgresSettings;
import io.sensorproof.gateway.testing.ExternalTool;
import io.sensorproof.oracle.anvil.LocalDeployment;
import io.sensorproof.oracle.testing.AnvilExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.DefaultBlockParameterName;

/**
 * Two gateway replicas on one shared subscription of an external broker (Mosquitto; the test runs
 * only when {@code MQTT_EXTERNAL_URL} is set, e.g. {@code tcp://127.0.0.1:18830}) and one shared
 * PostgreSQL server (started here with the gateway's {@link EmbeddedPostgresLauncher}), with the
 * same acknowledgement key file. Three agents stream; both replicas must take part of the load;
 * then replica B is killed with SIGKILL mid-stream and nothing may be lost: the outboxes drain and
 * every outbox message is stored exactly once, no key is inserted by both replicas, and in each
 * replica's audit log every acknowledgement follows a COMMITTED line for its key.
 *
 * <p>Both replicas also run the oracle's jobs on one chain (an anvil the test runs, given to both as an
 * external chain with one deployment record and the shared oracle account, ADR 022): every commitment
 * batch of the stream is anchored by exactly one transaction, none fails, and the oracle account's nonces
 * are 0..n-1 without gap or clash, also with replica B killed while it may hold a job.
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
        // one chain for both replicas: the shared oracle account's nonces are allocated in the shared database
        AnvilExtension chain = new AnvilExtension();
        chain.start();
        Path chainJson = root.resolve("chain").resolve("chain.json");
        Files.createDirectories(chainJson.getParent());
        LocalDeployment.Result deployed;
        try {
            deployed = LocalDeployment.ensure(chain.web3j(), chainJson, 3600, line -> { });
        } catch (RuntimeException e) {
            chain.stop();
            throw e;
        }
        Map<String, String> chainEnv = Map.of("SENSORPROOF_CHAIN_RPC_URL", chain.rpcUrl(),
                "SENSORPROOF_CHAIN_DEPLOYMENT_FILE", chainJson.toString(),
                "SENSORPROOF_CHAIN_ORACLE_KEY_FILE", deployed.oracleKeyFile().toString());
        try (EmbeddedDatabase database = EmbeddedPostgresLauncher.withDefaults()
                .start(EmbeddedPostgresSettings.under(root.resolve("shared-db"), 0))) {
            Map<String, String> datasource = database.quarkusDatasourceProperties();
            a = GatewayProcess.start("replica A", root.resolve("replica-a"), GatewayProcess.freePort(), replicaEnv(mqttUrl, run, "a", root, chainEnv),
                    datasource, root.resolve("replica-a.log"));
            a.awaitReady(READY);
            // B after A: A creates the schema, the operator key and the shared acknowledgement key
            b = GatewayProcess.start("replica B", root.resolve("replica-b"), GatewayProcess.freePort(), replicaEnv(mqttUrl, run, "b", root, chainEnv),
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
                    + " (killed)");

            // the chain jobs of both replicas: every reading in a batch, every batch anchored once, nonces 0..n-1
            await("every stored reading in an anchored batch").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                    .until(() -> count(db, "SELECT count(*) FROM readings r WHERE NOT EXISTS (SELECT 1 FROM batch_members m"
                            + " WHERE (m.device_id, m.boot, m.seq, m.record_index) = (r.device_id, r.boot, r.seq, r.record_index))") == 0
                            && count(db, "SELECT count(*) FROM commitment_batches WHERE state <> 'ANCHORED'") == 0
                            && count(db, "SELECT count(*) FROM oracle_jobs WHERE state <> 'CONFIRMED'") == 0);
            long batches = count(db, "SELECT count(*) FROM commitment_batches");
            assertThat(batches).as("commitment batches of the stream").isPositive();
            assertThat(count(db, "SELECT count(*) FROM oracle_jobs")).as("one anchor job per batch").isEqualTo(batches);
            assertThat(count(db, "SELECT count(DISTINCT tx_nonce) FROM oracle_jobs")).as("a nonce of its own per job").isEqualTo(batches);
            assertThat(count(db, "SELECT coalesce(max(tx_nonce) + 1, 0) FROM oracle_jobs")).as("nonces without a gap").isEqualTo(batches);
            String oracle = Credentials.create(Files.readString(deployed.oracleKeyFile()).trim()).getAddress().toLowerCase(Locale.ROOT);
            assertThat(chain.web3j().ethGetTransactionCount(oracle, DefaultBlockParameterName.LATEST).send().getTransactionCount()
                    .longValueExact()).as("transactions the shared oracle account sent: one per batch").isEqualTo(batches);
            LOG.info(() -> batches + " batches anchored once each by the two replicas; test took " + seconds(started) + " s");
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
            chain.stop();
        }
    }

    private static long count(MessageRows db, String sql) throws Exception {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Map<String, String> replicaEnv(String mqttUrl, String run, String replica, Path root, Map<String, String> chainEnv) {
        Map<String, String> env = new HashMap<>(chainEnv);
        env.put("SENSORPROOF_MQTT_URL", mqttUrl);
        env.put("SENSORPROOF_MQTT_CLIENT_ID", "it-" + run + "-replica-" + replica);
        env.put("SENSORPROOF_MQTT_SHARE_GROUP", "it" + run);
        env.put("SENSORPROOF_ACK_KEY_FILE", root.resolve("ack-key.p8").toString());
        // short batch windows, and a job the killed replica held is resumed once its lease ran out
        env.put("SENSORPROOF_BATCHES_WINDOW", "1s");
        env.put("SENSORPROOF_ORACLE_POLL_INTERVAL", "200ms");
        env.put("SENSORPROOF_ORACLE_LEASE", "10s");
        return env;
    }

    private static long seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1_000_000_000L;
    }
}
