package io.sensorproof.oracle.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.oracle.bundle.PinnedKeys;
import io.sensorproof.zk.prover.CircuitArtifacts;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command's exit statuses, output and key pinning, on the committed fixture bundles. */
class VerifyClaimCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return VerifyClaimCommand.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    private Path fixture(String name) throws IOException {
        Path file = dir.resolve(name);
        try (InputStream in = getClass().getResourceAsStream("/bundles/" + name)) {
            Files.write(file, in.readAllBytes());
        }
        return file;
    }

    private static String pin(String circuit) {
        return "sha256:" + PinnedKeys.sha256Hex(CircuitArtifacts.committedVerificationKey(circuit));
    }

    @Test
    void acceptsTheEvidenceBundleAndPrintsTheClaimInWords() throws IOException {
        assertThat(run(fixture("evidence.json").toString(), "--vk-pin", pin("excursion"))).isZero();
        assertThat(out.toString()).contains("device cold-room-a, temperature outside [2.00 Cel, 8.00 Cel]")
                .contains("run of cold-room-b").contains("ACCEPTED");
    }

    @Test
    void acceptsTheVerificationBundleWithAKeyFileAndPrintsTheFigures() throws IOException {
        Path key = dir.resolve("emissions.key");
        Files.writeString(key, CircuitArtifacts.committedVerificationKey("emissions"), StandardCharsets.UTF_8);
        assertThat(run(fixture("verification.json").toString(), "--vk-pin", "emissions=" + key)).isZero();
        assertThat(out.toString()).contains("emissions 28000 g = measured 20500 g + substitutes 7500 g")
                .contains("credits 72").contains("ACCEPTED");
    }

    @Test
    void rejectsAChangedFieldNamingItWithExitOne() throws IOException {
        Path bundle = fixture("verification.json");
        Files.writeString(bundle, Files.readString(bundle).replace("\"credits\" : 72", "\"credits\" : 73"));
        assertThat(run(bundle.toString(), "--vk-pin", pin("emissions"))).isEqualTo(1);
        assertThat(out.toString()).contains("REJECTED").contains("RESULT_MISMATCH result.credits");
    }

    @Test
    void aProofIsCheckedOnlyAgainstAPinnedKeyOfItsCircuit() throws IOException {
        // the run-claim key is pinned, the bundle's claims are emissions claims: nothing vouches for them
        assertThat(run(fixture("verification.json").toString(), "--vk-pin", pin("excursion"))).isEqualTo(1);
        assertThat(out.toString()).contains("NO_PINNED_KEY claims[0].circuit");
        // a key file of the other circuit under the emissions name rejects every proof
        Path key = dir.resolve("other.key");
        Files.writeString(key, CircuitArtifacts.committedVerificationKey("excursion"), StandardCharsets.UTF_8);
        assertThat(run(fixture("verification.json").toString(), "--vk-pin", "emissions=" + key)).isEqualTo(1);
        assertThat(out.toString()).contains("PROOF_REJECTED claims[0].proof");
    }

    @Test
    void malformedUnreadableAndUsage() throws IOException {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"format\":\"sensorproof/evidence-bundle\",\"version\":1}");
        assertThat(run(bad.toString(), "--vk-pin", pin("excursion"))).isEqualTo(2);
        assertThat(out.toString()).contains("MALFORMED at chain");
        assertThat(run(dir.resolve("missing.json").toString(), "--vk-pin", pin("excursion"))).isEqualTo(3);
        assertThat(run(fixture("evidence.json").toString(), "--vk-pin", "sha256:" + "0".repeat(64))).isEqualTo(64);
        assertThat(run(fixture("evidence.json").toString())).isEqualTo(64);
        assertThat(run(fixture("evidence.json").toString(), "--vk-pin", "excursion=" + dir.resolve("nokey"))).isEqualTo(3);
    }
}
