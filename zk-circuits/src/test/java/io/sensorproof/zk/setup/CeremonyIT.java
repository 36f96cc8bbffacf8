package io.sensorproof.zk.setup;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.zk.CircuitBuild;
import io.sensorproof.zk.groth16.Groth16Verifier;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ceremony command end to end at 2⁴ on the one-constraint test circuit square1: phase 1 from
 * `powersoftau new` with a random contribution and a beacon, phase 2 with a random contribution
 * and a beacon, both verified by snarkjs; a proof made with the final key verifies in Java under
 * the ZoKrates-format key exported from it (so the keys no longer depend on any public secret),
 * and not for another public input.
 */
class CeremonyIT {
    @TempDir
    Path dir;

    private String ceremony(String... args) throws Exception {
        Path repo = CircuitBuild.repoRoot();
        List<String> command = new ArrayList<>(List.of("node", repo.resolve("zk-circuits/scripts/ceremony.mjs").toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(repo.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("ceremony.mjs timed out");
        }
        assertThat(process.exitValue()).as("ceremony %s:\n%s", String.join(" ", args), output).isZero();
        return output;
    }

    @Test
    void contributionsAndBeaconsGiveKeysWhoseProofsVerify() throws Exception {
        Path c = dir.resolve("ceremony");
        Path square1 = CircuitBuild.repoRoot().resolve("zk-circuits/circuits/square1.zok");
        ceremony("phase1-new", c.toString(), "--power", "4");
        ceremony("phase1-contribute", c.toString(), "--name", "member A");
        ceremony("phase1-beacon", c.toString(), "--beacon", "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "--iterations", "10");
        ceremony("phase2-new", c.toString(), "--circuit", "square1=" + square1);
        ceremony("phase2-contribute", c.toString(), "--name", "member B");
        ceremony("phase2-beacon", c.toString(), "--beacon", "f1f2f3f4f5f6f7f8f9fafbfcfdfeff000102030405060708090a0b0c0d0e0f", "--iterations", "10");
        Path args = dir.resolve("args.json");
        Files.writeString(args, "[\"9\", \"3\"]");
        String output = ceremony("verify", c.toString(), "--sample", "square1=" + args);
        assertThat(output).contains("Powers of Tau Ok!", "square1: final.zkey verified", "square1: sample proof verifies");

        Path out = c.resolve("phase2/square1");
        Groth16Verifier verifier = Groth16Verifier.fromJson(Files.readString(out.resolve("verification.key")));
        String proof = Files.readString(out.resolve("proof.json"));
        assertThat(verifier.verifyJson(proof)).isTrue();
        String otherInput = proof.replace(
                "0x0000000000000000000000000000000000000000000000000000000000000009",
                "0x" + String.format("%64s", BigInteger.TEN.toString(16)).replace(' ', '0'));
        assertThat(otherInput).isNotEqualTo(proof);
        assertThat(verifier.verifyJson(otherInput)).isFalse();
    }
}
