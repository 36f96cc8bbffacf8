package io.sensorproof.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sensorproof.agent.EdgeAgent;
import io.sensorproof.agent.cli.AgentCli;
import io.sensorproof.agent.config.AgentConfig;
import io.sensorproof.agent.keys.KeyFiles;
import io.sensorproof.protocol.retry.Backoff;
import io.sensorproof.agent.transport.MqttTransport;
import io.sensorproof.broker.BrokerProcess;
import io.sensorproof.gateway.enroll.CaKeyStore;
import io.sensorproof.gateway.security.ApiKeyRole;
import io.sensorproof.gateway.security.ApiKeySecrets;
import io.sensorproof.gateway.standalone.EmbeddedDatabase;
import io.sensorproof.gateway.standalone.EmbeddedPostgresLauncher;
import io.sensorproof.gateway.standalone.EmbeddedPostgresSettings;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Two packaged gateway replicas on one PostgreSQL server and one broker (the standalone HiveMQ
 * process), sharing the acknowledgement key and the device CA file. Each replica subscribes in its
 * own share group, so each receives every message and each must decide on it: a device enrolled,
 * renewed and re-keyed with the agent's {@code enroll}, {@code renew} and {@code rekey} commands
 * against replica B streams readings; it is revoked through
 * replica A; once the directory cache's bound (1 s) has passed, its next message is quarantined as
 * DEVICE_INACTIVE by both replicas, and nothing of it is stored. Also: a replica whose CA key store
 * is readable by others refuses to start.
 */
class RevocationTwoReplicasIT {
    private static final Duration READY = Duration.ofSeconds(150);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Path ROOT = Path.of("target", "resilience", "revocation").toAbsolutePath();

    private static BrokerProcess broker;
    private static EmbeddedDatabase database;
    private static final String CA_PASSWORD = "it-" + Long.toHexString(RANDOM.nextLong());

    @BeforeAll
    static void infrastructure() throws Exception {
        GatewayProcess.deleteTree(ROOT);
        Files.createDirectories(ROOT);
        Path repo = Path.of(System.getProperty("repo.root", "..")).toAbsolutePath().normalize();
        broker = BrokerProcess.startAnonymous(repo.resolve("embedded-broker/target/embedded-broker.jar"), ROOT.resolve("broker"), "127.0.0.1",
                GatewayProcess.freePort(), Duration.ofSeconds(120));
        database = EmbeddedPostgresLauncher.withDefaults().start(EmbeddedPostgresSettings.under(ROOT.resolve("shared-db"), 0));
    }

    @AfterAll
    static void stopInfrastructure() {
        if (broker != null) {
            broker.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    void revokedDeviceIsQuarantinedByBothReplicasOnItsNextMessage() throws Exception {
        GatewayProcess a = null;
        GatewayProcess b = null;
        EdgeAgent agent = null;
        try {
            a = GatewayProcess.start("replica A", ROOT.resolve("replica-a"), GatewayProcess.freePort(), env("a", ROOT.resolve("device-ca.p12")),
                    database.quarkusDatasourceProperties(), ROOT.resolve("replica-a.log")).awaitReady(READY);
            // B after A: A creates the schema, the operator key, the acknowledgement key and the CA
            b = GatewayProcess.start("replica B", ROOT.resolve("replica-b"), GatewayProcess.freePort(), env("b", ROOT.resolve("device-ca.p12")),
                    database.quarkusDatasourceProperties(), ROOT.resolve("replica-b.log")).awaitReady(READY);
            String apiKey = operatorKey();
            a.createTenant(apiKey, "rev");
            String token = JSON.readTree(a.call("POST", "/api/v1/tenants/rev/devices", apiKey, Map.of("deviceId", "rev-1"), 201))
                    .path("enrollment").path("token").asText();

            // the agent's own command, against the other replica
            Path agentDir = ROOT.resolve("agent");
            Path config = agentDir.resolve("agent.properties");
            Files.createDirectories(agentDir);
            Files.writeString(config, "pack.max-records=5\npack.max-age-millis=100\nack.timeout-millis=2000\nreconnect.max-millis=1000\n");
            CommandLine cli = new CommandLine(new AgentCli());
            int exit = cli.execute("enroll", "-c", config.toString(), "--gateway-url", b.baseUri().toString(), "--token", token,
                    "--device", "rev-1", "--data-dir", agentDir.resolve("data").toString(), "--mqtt-url", broker.url());
            assertThat(exit).as("enroll exit code").isZero();
            // renewal and re-key through the same exchange, with the agent's commands (the agent is not running)
            assertThat(cli.execute("renew", "-c", config.toString(), "--force")).as("renew exit code").isZero();
            assertThat(cli.execute("rekey", "-c", config.toString(), "--alg", "EdDSA")).as("rekey exit code").isZero();
            assertThat(count("SELECT count(*) FROM device_keys WHERE device_id = 'rev-1'")).isEqualTo(2);
            assertThat(count("SELECT count(*) FROM device_certificates WHERE device_id = 'rev-1'")).isEqualTo(3);
            AgentConfig agentConfig = AgentConfig.load(config, Map.of());
            assertThat(agentConfig.tenant()).isEqualTo("rev");
            assertThat(agentConfig.device()).isEqualTo("rev-1");

            agent = EdgeAgent.start(agentConfig, KeyFiles.load(agentConfig.keyFile()), KeyFiles.readPublicKey(agentConfig.gatewayAckKey()),
                    metrics -> new MqttTransport(agentConfig, new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), RANDOM),
                            metrics::recordBackoff), Clock.systemUTC());
            long t0 = Instant.now().toEpochMilli() - 60_000;
            submit(agent, t0, 0, 10);
            assertThat(agent.awaitDrained(Duration.ofSeconds(60))).as("drained before revocation: %s", agent.describe()).isTrue();
            long storedBefore = count("SELECT count(*) FROM messages WHERE device_id = 'rev-1'");
            assertThat(storedBefore).isEqualTo(2);

            a.call("PATCH", "/api/v1/tenants/rev/devices/rev-1", apiKey, Map.of("status", "REVOKED"), 200);
            // deliberate: the documented bound for a status change to reach every replica is the directory
            // cache's 1 s; the test lets that time pass and then expects both replicas to refuse
            Thread.sleep(1_100);
            submit(agent, t0, 10, 10);

            String inactive = "sensorproof_ingest_rejected_total{reason=\"DEVICE_INACTIVE\"";
            GatewayProcess replicaA = a;
            GatewayProcess replicaB = b;
            await("both replicas refused the revoked device").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> replicaA.metric(inactive) >= 1 && replicaB.metric(inactive) >= 1);
            assertThat(a.metric(inactive)).as("replica A refused the revoked device").isGreaterThanOrEqualTo(1);
            assertThat(b.metric(inactive)).as("replica B refused the revoked device").isGreaterThanOrEqualTo(1);
            assertThat(count("SELECT count(*) FROM quarantine WHERE claimed_device = 'rev-1' AND reason = 'DEVICE_INACTIVE'"))
                    .isGreaterThanOrEqualTo(1);
            assertThat(count("SELECT count(*) FROM messages WHERE device_id = 'rev-1'")).as("nothing stored after revocation")
                    .isEqualTo(storedBefore);
            assertThat(count("SELECT count(*) FROM device_certificates WHERE device_id = 'rev-1' AND revoked_at IS NULL")).isZero();
            assertThat(count("SELECT count(*) FROM device_keys WHERE device_id = 'rev-1' AND revoked_at IS NULL")).isZero();
        } finally {
            if (agent != null) {
                agent.close();
            }
            for (GatewayProcess g : new GatewayProcess[] {b, a}) {
                if (g != null) {
                    g.stop();
                }
            }
        }
    }

    @Test
    void replicaRefusesToStartWhenItsCaKeyStoreIsReadableByOthers() throws Exception {
        Path caFile = ROOT.resolve("exposed").resolve("device-ca.p12");
        CaKeyStore.addGeneration(caFile, CA_PASSWORD.toCharArray(), Instant.now(), Duration.ofDays(365), RANDOM);
        Files.setPosixFilePermissions(caFile, PosixFilePermissions.fromString("rw-r--r--"));
        Path log = ROOT.resolve("replica-exposed.log");
        GatewayProcess c = GatewayProcess.start("replica C", ROOT.resolve("replica-c"), GatewayProcess.freePort(), env("c", caFile),
                database.quarkusDatasourceProperties(), log);
        try {
            assertThat(c.awaitExit(Duration.ofSeconds(120))).as("exit code").isNotZero();
            assertThat(Files.readString(log)).contains("refusing the device CA key store").contains("chmod 600");
        } finally {
            c.stop();
        }
    }

    private static void submit(EdgeAgent agent, long t0, int from, int n) throws Exception {
        for (int i = from; i < from + n; i++) {
            agent.submit(new Reading(Quantity.TEMPERATURE, 3 + i * 0.1, t0 + i * 100L));
        }
        agent.flush();
    }

    private static Map<String, String> env(String replica, Path caFile) {
        Map<String, String> env = new HashMap<>();
        env.put("SENSORPROOF_MQTT_URL", broker.url());
        env.put("SENSORPROOF_MQTT_CLIENT_ID", "revocation-it-" + replica);
        env.put("SENSORPROOF_MQTT_SHARE_GROUP", "revocation-" + replica);
        env.put("SENSORPROOF_ACK_KEY_FILE", ROOT.resolve("ack-key.p8").toString());
        env.put("SENSORPROOF_CA_FILE", caFile.toString());
        env.put("SENSORPROOF_CA_PASSWORD", CA_PASSWORD);
        return env;
    }

    /** A fresh operator key in the shared database (the bootstrap key file belongs to whichever replica started first). */
    private static String operatorKey() throws Exception {
        String key = ApiKeySecrets.generate(RANDOM);
        try (Connection c = DriverManager.getConnection(database.jdbcUrl(), "postgres", "");
                PreparedStatement ps = c.prepareStatement("INSERT INTO api_keys (key_hash, label, role) VALUES (?, 'revocation-it', ?)")) {
            ps.setBytes(1, ApiKeySecrets.hash(key));
            ps.setString(2, ApiKeyRole.OPERATOR.label());
            ps.executeUpdate();
        }
        return key;
    }

    private static long count(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(database.jdbcUrl(), "postgres", "");
                PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
