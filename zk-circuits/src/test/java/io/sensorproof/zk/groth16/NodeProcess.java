package io.sensorproof.zk.groth16;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the module's Node scripts (pinned zokrates-js and snarkjs from the root node_modules). */
final class NodeProcess {
    private NodeProcess() {
    }

    static Path repoRoot() {
        // repo.root is the Maven multi-module directory: the repository root, or this module when
        // Maven is started inside it.
        String root = System.getProperty("repo.root");
        Path start = (root != null ? Path.of(root) : Path.of("")).toAbsolutePath();
        for (Path path = start; path != null; path = path.getParent()) {
            if (Files.isDirectory(path.resolve("node_modules").resolve("zokrates-js"))
                    && Files.isDirectory(path.resolve("zk-circuits"))) {
                return path;
            }
        }
        throw new IllegalStateException("run `npm ci` at the repository root first (no node_modules above " + start + ")");
    }

    static Path script(String name) {
        return repoRoot().resolve("zk-circuits").resolve("scripts").resolve(name);
    }

    /** Runs {@code node script args...} and returns its standard output; fails on a non-zero exit. */
    static String run(String script, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("node", script(script).toString()));
        command.addAll(List.of(args));
        Path stderr = Files.createTempFile("node-stderr", ".txt");
        Process process = new ProcessBuilder(command).directory(repoRoot().toFile())
                .redirectError(stderr.toFile()).start();
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("node " + script + " timed out");
        }
        String errors = Files.readString(stderr);
        Files.deleteIfExists(stderr);
        if (process.exitValue() != 0) {
            throw new IllegalStateException("node " + script + " exited " + process.exitValue() + ":\n" + errors);
        }
        return stdout;
    }
}
