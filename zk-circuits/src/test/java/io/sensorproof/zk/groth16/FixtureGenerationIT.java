package io.sensorproof.zk.groth16;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live path: compile, set up and prove the smallest circuit with the pinned zokrates-js into
 * an empty folder (cold cache), verify the fresh proof in Java, and check that the committed
 * fixture is exactly what the script produces (setup and proof use fixed entropy).
 */
class FixtureGenerationIT {
    @TempDir
    Path out;

    @Test
    void freshZokratesProofVerifiesAndMatchesCommittedFixture() throws Exception {
        String log = NodeProcess.run("fixtures.mjs", "--out", out.toString(), "square1");
        assertThat(log).contains("square1: ").doesNotContain("cached");

        String key = Files.readString(out.resolve("square1/verification.key"));
        String proof = Files.readString(out.resolve("square1/proof.json"));
        assertThat(Groth16Verifier.fromJson(key).verifyJson(proof)).isTrue();
        assertThat(key).isEqualTo(Fixtures.key("square1"));
        assertThat(proof).isEqualTo(Fixtures.proof("square1"));

        String again = NodeProcess.run("fixtures.mjs", "--out", out.toString(), "square1");
        assertThat(again).contains("cached");
    }
}
