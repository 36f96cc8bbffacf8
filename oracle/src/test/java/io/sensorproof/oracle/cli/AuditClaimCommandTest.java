package io.sensorproof.oracle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.oracle.audit.ClaimAuditBundles;
import io.sensorproof.oracle.bundle.ClaimAuditBundle;
import io.sensorproof.oracle.bundle.ReadingKey;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code audit-claim}'s exit statuses and output without a chain (the chain side is in the gateway's ClaimAuditIT). */
class AuditClaimCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return AuditClaimCommand.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    private Path bundle(String json) throws IOException {
        Path file = dir.resolve("claim-audit.json");
        Files.writeString(file, json);
        return file;
    }

    @Test
    void aCleanBundleExitsZeroAndSaysTheChainWasNotConsulted() throws IOException {
        ClaimAuditBundle clean = ClaimAuditBundles.clean();
        assertThat(run(bundle(clean.toJson()).toString())).isEqualTo(AuditBatchCommand.CLEAN);
        assertThat(out.toString()).contains("run claim " + clean.claim().id() + ": 5 readings of device room-a")
                .contains("chain not consulted").contains("5 readings re-checked").contains("CLEAN");
    }

    @Test
    void aReadingLeftOutOfTheClaimExitsOneNamingIt() throws IOException {
        ClaimAuditBundle clean = ClaimAuditBundles.clean();
        ClaimAuditBundle bundle = ClaimAuditBundles.withWindowReading(clean, new ClaimAuditBundle.WindowReading(
                new ReadingKey("room-a", 1, 99, 0), clean.windowFrom() + 30_000, 28_515, ClaimAuditBundles.SETTLED));
        assertThat(run(bundle(bundle.toJson()).toString())).isEqualTo(AuditBatchCommand.FINDINGS);
        assertThat(out.toString()).contains("FINDINGS: 1").contains("reading room-a/1/99/0 MISSING_FROM_CLAIM");
    }

    @Test
    void anAlteredStoredValueExitsOneNamingTheReading() throws IOException {
        String json = ClaimAuditBundles.clean().toJson();
        int at = json.indexOf("\"value\" : ", json.indexOf("\"slot\" : 3"));
        int end = json.indexOf('\n', at);
        String altered = json.substring(0, at) + "\"value\" : 1" + json.substring(end);
        assertThat(run(bundle(altered).toString())).isEqualTo(AuditBatchCommand.FINDINGS);
        assertThat(out.toString()).contains("FINDINGS: 1").contains("reading room-a/1/13/0 ALTERED_AFTER_ANCHOR");
    }

    @Test
    void aMalformedBundleExitsTwoNamingTheField() throws IOException {
        String json = ClaimAuditBundles.clean().toJson().replace("\"quantity\" : 1,", "\"quantity\" : \"1\",");
        assertThat(run(bundle(json).toString())).isEqualTo(AuditBatchCommand.MALFORMED);
        assertThat(out.toString()).contains("MALFORMED at claim.quantity");
    }

    @Test
    void anUnreadableFileOrAnUnreachableChainExitsThreeAndUsageErrorsSixtyFour() throws IOException {
        assertThat(run(dir.resolve("missing.json").toString())).isEqualTo(AuditBatchCommand.UNREACHABLE);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path file = bundle(ClaimAuditBundles.clean().toJson());
        assertThat(run(file.toString(), "--rpc-url", "http://127.0.0.1:" + port, "--registry", ClaimAuditBundles.REGISTRY))
                .isEqualTo(AuditBatchCommand.UNREACHABLE);
        assertThat(err.toString()).contains("CHAIN_UNREACHABLE");
        assertThat(run(file.toString(), "--rpc-url", "http://127.0.0.1:8545")).isEqualTo(AuditBatchCommand.USAGE);
    }
}
