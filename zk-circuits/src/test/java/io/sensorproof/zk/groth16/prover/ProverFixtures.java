package io.sensorproof.zk.groth16.prover;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code scripts/java-prover-fixtures.mjs} (pinned zokrates-js and snarkjs from the root node_modules). */
final class ProverFixtures {
    private ProverFixtures() {
    }

    static Path repoRoot() {
        String root = System.getProperty("repo.root");
        Path start = (root != null ? Path.of(root) : Path.of("")).toAbsolutePath();
        for (Path path = start; path != null; path = path.getParent()) {
            if (Files.isDirectory(path.resolve("node_modules").resolve("snarkjs")) && Files.isDirectory(path.resolve("zk-circuits"))) {
                return path;
            }
        }
        throw new IllegalStateException("run `npm ci` at the repository root first (no node_modules above " + start + ")");
    }

    /** Where the fixtures are cached: zk-circuits/target/java-prover. */
    static Path cache() {
        return repoRoot().resolve("zk-circuits").resolve("target").resolve("java-prover");
    }

    static String node(long timeoutMinutes, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("node",
                repoRoot().resolve("zk-circuits").resolve("scripts").resolve("java-prover-fixtures.mjs").toString()));
        command.addAll(List.of(args));
        Path stderr = Files.createTempFile("node-stderr", ".txt");
        Process process = new ProcessBuilder(command).directory(repoRoot().toFile()).redirectError(stderr.toFile()).start();
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("java-prover-fixtures.mjs " + args[0] + " timed out");
        }
        String errors = Files.readString(stderr);
        Files.deleteIfExists(stderr);
        if (process.exitValue() != 0) {
            throw new IllegalStateException("java-prover-fixtures.mjs exited " + process.exitValue() + ":\n" + errors);
        }
        System.err.print(errors);
        return stdout;
    }
}
