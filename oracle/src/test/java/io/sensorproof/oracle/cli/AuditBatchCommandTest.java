package io.sensorproof.oracle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.oracle.audit.AuditBundles;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code audit-batch}'s exit statuses and output without a chain (the chain side is in the gateway's BatchAuditIT). */
class AuditBatchCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return AuditBatchCommand.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    private Path bundle(String json) throws IOException {
        Path file = dir.resolve("audit.json");
        Files.writeString(file, json);
        return file;
    }

    @Test
    void aCleanBundleExitsZeroAndSaysTheChainWasNotConsulted() throws IOException {
        assertThat(run(bundle(AuditBundles.clean(4).toJson()).toString())).isEqualTo(AuditBatchCommand.CLEAN);
        assertThat(out.toString()).contains("batch 4: 6 readings").contains("chain not consulted")
                .contains("6 readings re-checked").contains("CLEAN");
    }

    @Test
    void anAlteredStoredValueExitsOneNamingTheReading() throws IOException {
        String json = AuditBundles.clean(4).toJson();
        int at = json.indexOf("\"value\" : ", json.indexOf("\"slot\" : 3"));
        int end = json.indexOf('\n', at);
        String altered = json.substring(0, at) + "\"value\" : 1" + json.substring(end);
        assertThat(run(bundle(altered).toString())).isEqualTo(AuditBatchCommand.FINDINGS);
        assertThat(out.toString()).contains("FINDINGS: 1").contains("reading room-b/2/5/1 ALTERED_AFTER_ANCHOR");
    }

    @Test
    void aMalformedBundleExitsTwoNamingTheField() throws IOException {
        String json = AuditBundles.clean(4).toJson().replace("\"readingCount\" : 6", "\"readingCount\" : \"6\"");
        assertThat(run(bundle(json).toString())).isEqualTo(AuditBatchCommand.MALFORMED);
        assertThat(out.toString()).contains("MALFORMED at batch.readingCount");
    }

    @Test
    void anUnreadableFileOrAnUnreachableChainExitsThree() throws IOException {
        assertThat(run(dir.resolve("missing.json").toString())).isEqualTo(AuditBatchCommand.UNREACHABLE);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        assertThat(run(bundle(AuditBundles.clean(4).toJson()).toString(), "--rpc-url", "http://127.0.0.1:" + port,
                "--registry", AuditBundles.REGISTRY)).isEqualTo(AuditBatchCommand.UNREACHABLE);
        assertThat(err.toString()).contains("CHAIN_UNREACHABLE");
    }

    @Test
    void usageErrorsExitSixtyFour() throws IOException {
        Path file = bundle(AuditBundles.clean(4).toJson());
        assertThat(run(file.toString(), "--rpc-url", "http://127.0.0.1:8545")).isEqualTo(AuditBatchCommand.USAGE);
        assertThat(run(file.toString(), "--rpc-url", "http://127.0.0.1:8545", "--registry", "0x12")).isEqualTo(AuditBatchCommand.USAGE);
        assertThat(run(file.toString(), "--no-such-option")).isEqualTo(AuditBatchCommand.USAGE);
    }
}
