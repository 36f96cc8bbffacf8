package io.sensorproof.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sensorproof.agent.transport.RecordingTransport.AckedKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * The embedded PostgreSQL killed with SIGKILL under load (the other tests only ever stop it
 * cleanly): the packaged gateway runs in standalone mode, three in-process agents stream into it,
 * the postmaster is killed, the gateway (which does not restart its database by itself) is killed
 * too, and the restarted gateway must bring the cluster back through crash recovery.
 *
 * <p>A kill keeps the operating system's page cache, so it cannot show a missing fsync; the test
 * therefore also asserts, on the server it kills, that {@code fsync}, {@code synchronous_commit}
 * and {@code full_page_writes} are on (zonky's defaults turn the first two off). Asserted after the
 * restart: every (device, boot, seq) the devices saw acknowledged before the kill is in the
 * database; after the drain, every message written to an outbox is stored exactly once.
 */
class PostmasterKillIT {
    private static final Logger LOG = Logger.getLogger(PostmasterKillIT.class.getName());
    private static final Duration READY = Duration.ofSeconds(150);

    @Test
    void nothingAcknowledgedIsMissingAfterKill9OfThePostmasterUnderLoad() throws Exception {
        Path root = Path.of("target", "resilience", "postmaster-kill").toAbsolutePath();
        GatewayProcess.deleteTree(root);
        Path dataDir = root.resolve("gateway-data");
        Files.createDirectories(root);
        int http = GatewayProcess.freePort();
        GatewayProcess.StandalonePorts ports = GatewayProcess.StandalonePorts.free();
        Map<String, String> env = new java.util.HashMap<>(ports.env("postmaster-kill-it-gateway"));
        // the local chain on the same port across the restart, so the restarted gateway can adopt its anvil (ADR 040)
        env.put("SENSORPROOF_CHAIN_LOCAL_PORT", Integer.toString(GatewayProcess.freePort()));
        // devices reach the standalone broker on its TLS listener with their enrollment certificate (ADR 019)
        String mqttUrl = ports.deviceMqttUrl();
        MessageRows db = new MessageRows(ports.jdbcUrl());

        List<StreamingAgent> agents = new ArrayList<>();
        GatewayProcess first = null;
        GatewayProcess second = null;
        try {
            first = GatewayProcess.start("gateway run 1", dataDir, http, env, Map.of(), root.resolve("gateway-run1.log"));
            first.awaitReady(READY);
            String apiKey = first.operatorKey();
            byte[] ackKey = first.ackKeySpki(apiKey);
            first.createTenant(apiKey, "pgkill");
            for (int i = 1; i <= 3; i++) {
                StreamingAgent a = new StreamingAgent("pgkill", "meter-" + i);
                a.enroll(first, apiKey, root.resolve("agent-" + a.device));
                agents.add(a);
            }
            for (StreamingAgent a : agents) {
                a.start(root.resolve("agent-" + a.device), mqttUrl, Optional.of(first.brokerServerCertificate()), ackKey, 4);
            }
            await("devices acknowledged 60 messages").atMost(Duration.ofSeconds(60)).until(() -> acknowledged(agents).size() >= 60);

            assertThat(durabilitySettings(db)).as("durability settings of the server about to be killed")
                    .containsEntry("fsync", "on").containsEntry("synchronous_commit", "on").containsEntry("full_page_writes", "on");

            long postmaster = first.postmasterPid().orElseThrow();
            ProcessHandle handle = ProcessHandle.of(postmaster).orElseThrow();
            assertThat(handle.info().command().orElse("")).as("pid file names a postgres process").contains("postgres");
            handle.destroyForcibly(); // SIGKILL
            await("postmaster gone").atMost(Duration.ofSeconds(30)).until(() -> !handle.isAlive());
            Set<AckedKey> ackedBeforeKill = acknowledged(agents);
            LOG.info(() -> "postmaster " + postmaster + " killed after " + ackedBeforeKill.size() + " acknowledgements");
            // the gateway does not restart its database: kill it too, as a supervisor would replace it
            first.kill9();

            second = GatewayProcess.start("gateway run 2", dataDir, http, env, Map.of(), root.resolve("gateway-run2.log"));
            second.awaitReady(READY);
            assertThat(db.notStored(ackedBeforeKill)).as("keys acknowledged before the postmaster was killed, missing after the restart")
                    .isEmpty();
            assertThat(durabilitySettings(db)).as("durability settings after the restart")
                    .containsEntry("fsync", "on").containsEntry("synchronous_commit", "on").containsEntry("full_page_writes", "on");

            int ackedAtRestart = acknowledged(agents).size();
            await("acknowledgements after the restart").atMost(Duration.ofSeconds(60))
                    .until(() -> acknowledged(agents).size() >= ackedAtRestart + 30);
            for (StreamingAgent a : agents) {
                a.stopFeeding();
            }
            List<Set<String>> stored = new ArrayList<>();
            for (StreamingAgent a : agents) {
                assertThat(a.agent().awaitDrained(Duration.ofSeconds(60))).as("%s drained: %s", a.device, a.agent().describe()).isTrue();
                stored.add(db.assertStoredExactlyOnce(a));
            }
            assertThat(db.notStored(acknowledged(agents))).as("keys acknowledged in the whole run, missing from the database").isEmpty();
            LOG.info(() -> "stored " + MessageRows.union(stored).size() + " messages exactly once across the postmaster kill");
        } finally {
            for (StreamingAgent a : agents) {
                a.close();
            }
            if (second != null) {
                second.stop();
            }
            if (first != null && first.isAlive()) {
                first.kill9();
            }
            GatewayProcess.killLeftovers(dataDir);
        }
    }

    private static Map<String, String> durabilitySettings(MessageRows db) throws Exception {
        Map<String, String> settings = new LinkedHashMap<>();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            for (String name : List.of("fsync", "synchronous_commit", "full_page_writes")) {
                try (ResultSet rs = s.executeQuery("SHOW " + name)) {
                    rs.next();
                    settings.put(name, rs.getString(1));
                }
            }
        }
        return settings;
    }

    private static Set<AckedKey> acknowledged(List<StreamingAgent> agents) {
        Set<AckedKey> all = new HashSet<>();
        agents.forEach(a -> all.addAll(a.acknowledged()));
        return all;
    }
}
