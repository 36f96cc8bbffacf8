package io.sensorproof.zk.setup;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.zk.CircuitBuild;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java powers of tau against snarkjs at 2⁸: snarkjs' own {@code powersoftau prepare phase2}
 * of the Java file's unprepared points gives, byte for byte, the file Java writes prepared (so the
 * Lagrange sections, their order, the roots of unity and the Montgomery encoding are snarkjs').
 */
class SnarkjsPowersOfTauIT {
    private static final int POWER = 8;

    @TempDir
    Path dir;

    private static String snarkjs(String... args) throws Exception {
        Path repo = CircuitBuild.repoRoot();
        List<String> command = new ArrayList<>(List.of("node", repo.resolve("node_modules/snarkjs/build/cli.cjs").toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(repo.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("snarkjs timed out");
        }
        assertThat(process.exitValue()).as("snarkjs %s:\n%s", String.join(" ", args), output).isZero();
        return output;
    }

    @Test
    void preparedSectionsEqualSnarkjsPreparePhase2() throws Exception {
        PowersOfTau.Secrets secrets = PowersOfTau.Secrets.fromSeed("snarkjs-cross-check");
        Path unprepared = dir.resolve("unprepared.ptau");
        Path java = dir.resolve("java.ptau");
        Path snarkjs = dir.resolve("snarkjs.ptau");
        new PowersOfTau(POWER, secrets, 2).write(unprepared, false);
        new PowersOfTau(POWER, secrets, 2).write(java, true);
        snarkjs("powersoftau", "prepare", "phase2", unprepared.toString(), snarkjs.toString());
        PtauFile expected = PtauFile.read(snarkjs);
        PtauFile actual = PtauFile.read(java);
        assertThat(actual.sections().keySet()).containsExactlyElementsOf(expected.sections().keySet());
        for (int id : expected.sections().keySet()) {
            assertThat(actual.sections().get(id)).as("section %d", id).isEqualTo(expected.sections().get(id));
        }
        assertThat(Files.mismatch(java, snarkjs)).isEqualTo(-1L);
    }
}
