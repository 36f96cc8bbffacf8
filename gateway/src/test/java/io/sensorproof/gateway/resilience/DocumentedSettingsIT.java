package io.sensorproof.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.gateway.DocumentedSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 item 6: every key of the README's configuration table works as a system property
 * ({@code java -Dsensorproof.…=… -jar quarkus-run.jar}); before, keys the launcher read but no
 * mapping declared (such as {@code sensorproof.embedded-broker.port}) stopped the start with "does
 * not map to any root". Values are the defaults or harmless ones (free ports, files in the data
 * directory, empty for "none").
 */
class DocumentedSettingsIT {
    @TempDir
    Path dir;

    /**
     * A documented key with a value its type refuses stops the start with exit 1 and says why on the
     * console, naming the key; before, the reason went only to a log handler that System.exit dropped, so
     * the user saw nothing at all.
     */
    @Test
    void anInvalidValueStopsTheStartAndSaysWhichKeyOnTheConsole() throws Exception {
        Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dsensorproof.data-dir=" + dir.resolve("invalid"), "-Dsensorproof.prover.engine=bogus",
                "-jar", GatewayProcess.RUN_JAR.toString())).redirectErrorStream(true).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the launcher stops by itself").isTrue();
        String console = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).isEqualTo(1);
        assertThat(console).contains("sensorproof.prover.engine").contains("bogus").contains("java,snarkjs");
    }

    @Test
    void packagedGatewayStartsWithEveryDocumentedKeySetAsSystemProperty() throws Exception {
        Path dataDir = dir.resolve("data");
        Path brokerJar = GatewayProcess.RUN_JAR.resolveSibling("broker").resolve("embedded-broker.jar");
        Map<String, String> values = new TreeMap<>();
        values.put("sensorproof.data-dir", dataDir.toString());
        values.put("sensorproof.embedded-postgres.port", Integer.toString(GatewayProcess.freePort()));
        values.put("sensorproof.database.url", "");
        values.put("sensorproof.database.require-durable", "true");
        values.put("sensorproof.mqtt.url", "");
        values.put("sensorproof.embedded-broker.port", Integer.toString(GatewayProcess.freePort()));
        values.put("sensorproof.embedded-broker.jar", brokerJar.toString());
        values.put("sensorproof.embedded-broker.tls-port", Integer.toString(GatewayProcess.freePort()));
        values.put("sensorproof.embedded-broker.tls-bind", "127.0.0.1");
        values.put("sensorproof.mqtt.client-id", "gateway-documented-settings");
        values.put("sensorproof.mqtt.share-group", "gateway");
        values.put("sensorproof.mqtt.receive-maximum", "256");
        values.put("sensorproof.mqtt.batch-max", "256");
        values.put("sensorproof.mqtt.batch-linger", "2ms");
        values.put("sensorproof.mqtt.username", "");
        values.put("sensorproof.mqtt.password", "");
        values.put("sensorproof.ack-key.file", dataDir.resolve("gateway-ack-key.p8").toString());
        values.put("sensorproof.ack-key.alg", "ES256");
        values.put("sensorproof.es256", "native"); // AWS-LC must load in the packaged gateway (ADR 062)
        values.put("sensorproof.ingest.future-skew", "5m");
        values.put("sensorproof.ingest.late-after", "15m");
        values.put("sensorproof.ingest.audit-log", "true");
        values.put("sensorproof.persistence.store-timeout", "10s");
        values.put("sensorproof.persistence.device-cache-ttl", "1s");
        values.put("sensorproof.persistence.device-cache-max-entries", "10000");
        values.put("sensorproof.collateral.enabled", "true");
        values.put("sensorproof.collateral.queue-capacity", "10000");
        values.put("sensorproof.collateral.tick-interval", "5s");
        values.put("sensorproof.collateral.lots-refresh", "2s");
        values.put("sensorproof.collateral.hysteresis", "50");
        values.put("sensorproof.collateral.gap-factor", "2");
        values.put("sensorproof.collateral.reread-margin", "2m");
        values.put("sensorproof.metrics.backlog-refresh", "15s");
        values.put("sensorproof.webhooks.enabled", "true");
        values.put("sensorproof.webhooks.poll-interval", "200ms");
        values.put("sensorproof.webhooks.max-in-flight", "16");
        values.put("sensorproof.webhooks.connect-timeout", "5s");
        values.put("sensorproof.webhooks.request-timeout", "10s");
        values.put("sensorproof.webhooks.secret-overlap", "24h");
        values.put("sensorproof.batches.enabled", "true");
        values.put("sensorproof.batches.size", "4096");
        values.put("sensorproof.batches.window", "1m");
        values.put("sensorproof.batches.poll-interval", "1s");
        values.put("sensorproof.oracle.enabled", "true");
        values.put("sensorproof.oracle.workers", "2");
        values.put("sensorproof.oracle.chain-workers", "1");
        values.put("sensorproof.oracle.confirmations", "1");
        values.put("sensorproof.oracle.poll-interval", "500ms");
        values.put("sensorproof.oracle.lease", "2m");
        values.put("sensorproof.oracle.reconcile-interval", "1m");
        values.put("sensorproof.oracle.settle-wait", "2m");
        values.put("sensorproof.oracle.carbon-interval", "10s");
        values.put("sensorproof.oracle.enforcement-interval", "5s");
        values.put("sensorproof.coap.enabled", "true");
        values.put("sensorproof.coap.bind-address", "127.0.0.1");
        values.put("sensorproof.coap.port", "0");
        values.put("sensorproof.coap.trust-file", "");
        values.put("sensorproof.coap.server-key-file", dataDir.resolve("coap-server-key.p8").toString());
        values.put("sensorproof.coap.server-certificate-file", dataDir.resolve("coap-server.pem").toString());
        values.put("sensorproof.coap.queue-capacity", "1024");
        values.put("sensorproof.coap.batch-max", "256");
        values.put("sensorproof.coap.batch-linger", "2ms");
        values.put("sensorproof.coap.retry-after", "5s");
        values.put("sensorproof.coap.max-message-size", "1024");
        values.put("sensorproof.coap.block-size", "512");
        values.put("sensorproof.coap.receive-buffer-bytes", "2097152");
        values.put("sensorproof.coap.send-buffer-bytes", "524288");
        values.put("sensorproof.ca.file", dataDir.resolve("device-ca.p12").toString());
        values.put("sensorproof.ca.password", "");
        values.put("sensorproof.ca.password-file", dataDir.resolve("device-ca.password").toString());
        values.put("sensorproof.ca.create-if-missing", "true");
        values.put("sensorproof.ca.validity", "3650d");
        values.put("sensorproof.ca.rotation-window", "90d");
        values.put("sensorproof.ca.crl-validity", "7d");
        values.put("sensorproof.enrollment.token-ttl", "7d");
        values.put("sensorproof.enrollment.certificate-validity", "90d");
        values.put("sensorproof.enrollment.retired-key-grace", "30d");
        values.put("sensorproof.enrollment.retry-window", "1h");
        values.put("sensorproof.enrollment.max-concurrent", "8");
        values.put("sensorproof.chain.rpc-url", "");
        values.put("sensorproof.chain.deployment-file", dataDir.resolve("chain").resolve("chain.json").toString());
        values.put("sensorproof.chain.oracle-key-file", "");
        values.put("sensorproof.chain.local.port", Integer.toString(GatewayProcess.freePort()));
        values.put("sensorproof.chain.local.block-time", "1");
        values.put("sensorproof.chain.local.state-interval", "2");
        values.put("sensorproof.chain.local.challenge-window", "7d");
        values.put("sensorproof.chain.local.anvil", "");
        values.put("sensorproof.chain.events.enabled", "true");
        values.put("sensorproof.chain.events.interval", "2s");
        values.put("sensorproof.chain.events.confirmations", "1");
        values.put("sensorproof.chain.events.max-block-range", "1000");
        values.put("sensorproof.prover.enabled", "false");
        values.put("sensorproof.prover.workers", "2");
        values.put("sensorproof.prover.engine", "java");
        values.put("sensorproof.prover.threads", "2");
        values.put("sensorproof.prover.queue-capacity", "16");
        values.put("sensorproof.prover.request-timeout", "120s");
        values.put("sensorproof.prover.node", "node");
        values.put("sensorproof.prover.circuits-dir", "");
        values.put("sensorproof.prover.repository", "");
        assertThat(values.keySet()).as("a value for every documented key, and only those").containsExactlyElementsOf(DocumentedSettings.keys());
        assertThat(brokerJar).isRegularFile();

        Path console = dir.resolve("console.log");
        try (GatewayProcess gateway = GatewayProcess.start("gateway", dataDir, GatewayProcess.freePort(), Map.of(), values, console)) {
            gateway.awaitReady(Duration.ofMinutes(6));
            assertThat(Files.readString(console)).doesNotContain("does not map to any root");
        }
    }
}
