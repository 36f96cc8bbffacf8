package io.sensorproof.zk.prover;

import io.sensorproof.zk.groth16.Groth16Verifier;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One circuit as a prover worker needs it: a directory with {@code program.bin}, {@code abi.json},
 * {@code circuit.r1cs} (the Java engine checks each witness against it)
 * and {@code circuit.zkey} (the snarkjs proving key; the build cache of {@code scripts/build-circuits.mjs}), and the
 * verifier of its verification key, which checks every proof before it is returned.
 */
public record CircuitArtifacts(String name, Path directory, Groth16Verifier verifier) {
    public CircuitArtifacts {
        Objects.requireNonNull(name);
        Objects.requireNonNull(directory);
        Objects.requireNonNull(verifier);
        if (!name.matches("[a-z0-9_-]+")) {
            throw new IllegalArgumentException("circuit names are [a-z0-9_-]+: " + name);
        }
    }

    /** The artifacts in {@code directory}, verified with its own {@code verification.key}. */
    public static CircuitArtifacts fromBuildDirectory(String name, Path directory) {
        return withKey(name, directory, directory.resolve("verification.key"));
    }

    /**
     * The artifacts in {@code directory}, verified with the key committed for {@code name} (see
     * {@link #committedVerificationKey(String)}), so a build directory whose proving key belongs to
     * another setup yields only rejected proofs.
     */
    public static CircuitArtifacts withCommittedKey(String name, Path directory) {
        CircuitArtifacts built = fromBuildDirectory(name, directory);
        return new CircuitArtifacts(name, built.directory(), Groth16Verifier.fromJson(committedVerificationKey(name)));
    }

    /**
     * The {@code verification.key} committed for a claim circuit ({@code excursion} or
     * {@code emissions}), from the classpath resource
     * {@code io/sensorproof/zk/circuits/<name>/verification.key}.
     *
     * @throws IllegalArgumentException for a circuit without a committed key
     */
    public static String committedVerificationKey(String name) {
        String resource = "/io/sensorproof/zk/circuits/" + name + "/verification.key";
        try (InputStream in = CircuitArtifacts.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no committed verification key for circuit " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The artifacts in {@code directory}, verified with the key in {@code verificationKey}. */
    public static CircuitArtifacts withKey(String name, Path directory, Path verificationKey) {
        for (String file : new String[] {"program.bin", "abi.json", "circuit.zkey"}) {
            if (!Files.isRegularFile(directory.resolve(file))) {
                throw new IllegalArgumentException(directory.resolve(file) + " is missing: run scripts/build-circuits.mjs");
            }
        }
        try {
            return new CircuitArtifacts(name, directory, Groth16Verifier.fromJson(Files.readString(verificationKey)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
