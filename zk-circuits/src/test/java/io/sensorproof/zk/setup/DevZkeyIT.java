package io.sensorproof.zk.setup;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.zk.CircuitBuild;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java development {@code .zkey} against snarkjs {@code zkey new} on the small test circuits
 * (zokrates-js R1CS): byte for byte identical with a Java powers of tau of 2⁸ and, for square1, with
 * one of the circuit's own domain size (H from section 12's extra domain). Then snarkjs takes the
 * Java file on as its own: {@code zkey beacon}, {@code zkey verify} against the R1CS and the powers
 * of tau, and a proof of the zokrates-js witness that {@code groth16 verify} accepts (and refuses
 * for another public input).
 */
class DevZkeyIT {
    private static final PowersOfTau.Secrets SECRETS = PowersOfTau.Secrets.fromSeed("dev-zkey-it");
    private static final String BEACON = "5ea50a2f0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4";

    @TempDir
    Path dir;

    private static String node(boolean mustSucceed, String script, String... args) throws Exception {
        Path repo = CircuitBuild.repoRoot();
        List<String> command = new ArrayList<>(List.of("node", repo.resolve(script).toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(repo.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException(script + " timed out");
        }
        if (mustSucceed) {
            assertThat(process.exitValue()).as("%s %s:\n%s", script, String.join(" ", args), output).isZero();
        }
        return output;
    }

    private static String snarkjs(String... args) throws Exception {
        return node(true, "node_modules/snarkjs/build/cli.cjs", args);
    }

    private void sameAsSnarkjs(Path r1cs, Path ptau, String name) throws Exception {
        Path expected = dir.resolve(name + "-snarkjs.zkey");
        Path actual = dir.resolve(name + "-java.zkey");
        snarkjs("zkey", "new", r1cs.toString(), ptau.toString(), expected.toString());
        new DevZkey(SECRETS, 2).write(r1cs, ptau, actual);
        Map<Integer, byte[]> want = DevZkeyTest.sections(expected);
        Map<Integer, byte[]> got = DevZkeyTest.sections(actual);
        assertThat(got.keySet()).as(name).containsExactlyElementsOf(want.keySet());
        for (int id : want.keySet()) {
            assertThat(got.get(id)).as("%s section %d", name, id).isEqualTo(want.get(id));
        }
        assertThat(Files.mismatch(actual, expected)).as(name).isEqualTo(-1L);
    }

    @Test
    void javaZkeyIsSnarkjsZkeyNewByteForByteAndProvesAfterABeacon() throws Exception {
        Path circuits = dir.resolve("circuits");
        node(true, "zk-circuits/scripts/java-prover-fixtures.mjs", "compile", circuits.toString(), "square1", "sum8");
        Path ptau8 = dir.resolve("pot8.ptau");
        new PowersOfTau(8, SECRETS, 2).write(ptau8, true);

        Path square1 = circuits.resolve("square1/circuit.r1cs");
        Path sum8 = circuits.resolve("sum8/circuit.r1cs");
        sameAsSnarkjs(square1, ptau8, "square1");
        sameAsSnarkjs(sum8, ptau8, "sum8");
        R1cs small = R1cs.read(square1);
        int own = DevZkey.domainPower(small.nConstraints(), small.nPublic());
        Path ptauOwn = dir.resolve("pot" + own + ".ptau");
        new PowersOfTau(own, SECRETS, 2).write(ptauOwn, true);
        sameAsSnarkjs(square1, ptauOwn, "square1-own-size");

        Path initial = dir.resolve("sum8-java.zkey");
        Path last = dir.resolve("sum8-final.zkey");
        snarkjs("zkey", "beacon", initial.toString(), last.toString(), BEACON, "10", "-n=dev beacon");
        assertThat(snarkjs("zkey", "verify", sum8.toString(), ptau8.toString(), last.toString())).contains("ZKey Ok!");
        Path vk = dir.resolve("vk.json");
        Path proof = dir.resolve("proof.json");
        Path publicInputs = dir.resolve("public.json");
        snarkjs("zkey", "export", "verificationkey", last.toString(), vk.toString());
        snarkjs("groth16", "prove", last.toString(), circuits.resolve("sum8/witness.wtns").toString(), proof.toString(),
                publicInputs.toString());
        assertThat(snarkjs("groth16", "verify", vk.toString(), publicInputs.toString(), proof.toString())).contains("OK!");

        String inputs = Files.readString(publicInputs);
        String other = inputs.replaceFirst("\"91\"", "\"92\"");
        assertThat(other).as("sum8's public total").isNotEqualTo(inputs);
        Files.writeString(publicInputs, other);
        String refused = node(false, "node_modules/snarkjs/build/cli.cjs", "groth16", "verify", vk.toString(),
                publicInputs.toString(), proof.toString());
        assertThat(refused).doesNotContain("OK!").contains("Invalid proof");
    }
}
