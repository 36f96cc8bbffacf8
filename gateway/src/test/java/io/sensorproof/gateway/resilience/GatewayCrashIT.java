package io.sensorproof.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Exactly-once across a gateway crash: the packaged gateway runs in standalone mode (embedded
 * PostgreSQL and broker) as a child JVM, three in-process edge agents stream readings into it, the
 * gateway JVM is killed with SIGKILL mid-stream and restarted on the same data directory (it must
 * stop the orphaned PostgreSQL server and broker and come back), and the agents resend.
 *
 * <p>Asserted: every message the agents wrote to their outboxes is stored exactly once with all
 * its readings; the outboxes drain; every acknowledgement the gateway published (audit log,
 * {@code sensorproof.ingest.audit-log=true}) follows a COMMITTED line for its key, in the same or
 * the earlier run; every key acknowledged is in the database and the agents accepted an
 * acknowledgement for every message.
 */
class GatewayCrashIT {
    private static final Logger LOG = Logger.getLogger(GatewayCrashIT.class.getName());
    private static final Duration READY = Duration.ofSeconds(150);

    @Test
    void everyOutboxMessageIsStoredOnceAndNoAckPrecedesItsCommitAcrossKill9() throws Exception {
        long started = System.nanoTime();
        Path root = Path.of("target", "resilience", "gateway-crash").toAbsolutePath();
        GatewayProcess.deleteTree(root);
        Path dataDir = root.resolve("gateway-data");
        Files.createDirectories(root);
        int http = GatewayProcess.freePort();
        int brokerPort = GatewayProcess.freePort();
        int pgPort = GatewayProcess.freePort();
        int brokerTlsPort = GatewayProcess.freePort();
        Map<String, String> env = Map.of("SENSORPROOF_EMBEDDED_BROKER_PORT", Integer.toString(brokerPort),
                "SENSORPROOF_EMBEDDED_BROKER_TLS_PORT", Integer.toString(brokerTlsPort),
                "SENSORPROOF_EMBEDDED_BROKER_TLS_BIND", "127.0.0.1",
                "SENSORPROOF_EMBEDDED_POSTGRES_PORT", Integer.toString(pgPort),
                "SENSORPROOF_MQTT_CLIENT_ID", "crash-it-gateway");
        // devices reach the standalone broker on its TLS listener with their enrollment certificate (ADR 019)
        String mqttUrl = "ssl://127.0.0.1:" + brokerTlsPort;
        MessageRows db = new MessageRows("jdbc:postgresql://localhost:" + pgPort + "/sensorproof");

        List<StreamingAgent> agents = new ArrayList<>();
        GatewayProcess first = null;
        GatewayProcess second = null;
        Optional<Long> orphanPostmaster = Optional.empty();
        Optional<Long> orphanBroker = Optional.empty();
        try {
            first = GatewayProcess.start("gateway run 1", dataDir, http, env, Map.of(), root.resolve("gateway-run1.log"));
            first.awaitReady(READY);
            LOG.info(() -> "gateway up after " + seconds(started) + " s");
            String apiKey = first.operatorKey();
            byte[] ackKey = first.ackKeySpki(apiKey);
            first.createTenant(apiKey, "crash");
            for (int i = 1; i <= 3; i++) {
                StreamingAgent a = new StreamingAgent("crash", "meter-" + i);
                a.enroll(first, apiKey, root.resolve("agent-" + a.device));
                agents.add(a);
            }
            for (StreamingAgent a : agents) {
                a.start(root.resolve("agent-" + a.device), mqttUrl, Optional.of(first.brokerServerCertificate()), ackKey, 4);
            }

            // mid-stream: the gateway has committed and acknowledged a good part, readings keep coming
            awaitAudit(first, 60, Duration.ofSeconds(60));
            Thread.sleep(1000);
            orphanPostmaster = first.postmasterPid();
            orphanBroker = first.brokerPid();
            assertThat(orphanPostmaster).isPresent();
            assertThat(orphanBroker).isPresent();
            AuditTrail beforeKill = AuditTrail.read(first.auditLog());
            first.kill9();
            long killedAt = System.nanoTime();
            LOG.info(() -> "gateway killed after " + beforeKill.inserted().size() + " commits, " + seconds(started) + " s");
            assertThat(GatewayProcess.alive(orphanPostmaster.get())).as("the postmaster survives kill -9 of the gateway").isTrue();
            assertThat(GatewayProcess.alive(orphanBroker.get())).as("the broker survives kill -9 of the gateway").isTrue();

            Thread.sleep(1500);
            assertThat(agents.stream().mapToLong(a -> a.agent().outboxStats().depth()).sum())
                    .as("messages are waiting in the outboxes while the gateway is down").isPositive();

            second = GatewayProcess.start("gateway run 2", dataDir, http, env, Map.of(), root.resolve("gateway-run2.log"));
            second.awaitReady(READY);
            LOG.info(() -> "gateway back " + seconds(killedAt) + " s after the kill");
            assertThat(GatewayProcess.alive(orphanPostmaster.get())).as("the orphaned postmaster was stopped").isFalse();
            assertThat(GatewayProcess.alive(orphanBroker.get())).as("the orphaned broker was stopped").isFalse();

            Thread.sleep(3000);
            for (StreamingAgent a : agents) {
                a.stopFeeding();
            }
            for (StreamingAgent a : agents) {
                assertThat(a.agent().awaitDrained(Duration.ofSeconds(60))).as("%s drained: %s", a.device, a.agent().describe()).isTrue();
            }
            LOG.info(() -> "drained " + seconds(started) + " s after start");

            List<Set<String>> stored = new ArrayList<>();
            for (StreamingAgent a : agents) {
                stored.add(db.assertStoredExactlyOnce(a));
                LOG.info(() -> a.device + ": " + a.agent().describe());
            }
            Set<String> inDb = MessageRows.union(stored);

            AuditTrail audit = AuditTrail.read(second.auditLog());
            assertThat(audit.runs()).as("audit runs").isEqualTo(2);
            assertThat(audit.ackedBeforeCommitted()).as("acknowledgements without an earlier COMMITTED line").isEmpty();
            assertThat(audit.rejected()).as("signed rejections").isEmpty();
            assertThat(inDb).as("every acknowledged key is in the database").containsAll(audit.acked());
            // a kill between a commit and its line can leave a row without INSERTED line; the resend then logs DUPLICATE
            assertThat(audit.committed()).as("every stored key has a COMMITTED line").isEqualTo(inDb);
            assertThat(inDb).as("every INSERTED line is a row").containsAll(audit.inserted());
            assertThat(audit.inserted()).as("no key inserted twice").doesNotHaveDuplicates();
            assertThat(beforeKill.inserted()).as("some keys were committed before the kill").isNotEmpty();
            assertThat(audit.inserted().size()).as("some keys were committed after the restart").isGreaterThan(beforeKill.inserted().size());
            long total = agents.stream().mapToLong(StreamingAgent::fed).sum();
            LOG.info(() -> "stored " + inDb.size() + " messages / " + total + " readings exactly once; test took " + seconds(started) + " s");
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
            // a failed run must not leave a PostgreSQL server or broker behind
            GatewayProcess.killLeftovers(dataDir);
        }
    }

    private static void awaitAudit(GatewayProcess gateway, int acked, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (AuditTrail.read(gateway.auditLog()).acked().size() < acked) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("fewer than " + acked + " acknowledgements within " + timeout + "; log:\n" + gateway.tail());
            }
            Thread.sleep(100);
        }
    }

    private static long seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1_000_000_000L;
    }
}
