package io.sensorproof.zk;

import io.sensorproof.zk.prover.CircuitArtifacts;
import io.sensorproof.zk.prover.ProverConfig;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code scripts/build-circuits.mjs --check} once per test JVM, one JVM at a time: builds the claim circuits into
 * the cache {@code target/zk-build} unless it already holds them (keyed by source and tool
 * version), and compares the committed keys and fixtures with the build. With
 * {@code -Dzk.build.cache=DIR} the tests use the artifacts in DIR as they are (for example a build
 * of modified circuits) and nothing is built or checked.
 */
public final class CircuitBuild {
    private static Result result;

    private CircuitBuild() {
    }

    /** The outcome of the check: exit code and output. */
    public record Result(int exitCode, String output, Path cache) {
    }

    public static synchronized Result ensureBuilt() {
        if (result == null) {
            String prebuilt = System.getProperty("zk.build.cache");
            result = prebuilt != null ? new Result(0, "prebuilt cache " + prebuilt, Path.of(prebuilt)) : run();
        }
        return result;
    }

    public static Path repoRoot() {
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

    public static Path workerScript() {
        return repoRoot().resolve("zk-circuits/scripts/prover-worker.mjs");
    }

    /** The cached artifacts of {@code circuit}, built if needed. */
    public static CircuitArtifacts artifacts(String circuit) {
        return CircuitArtifacts.fromBuildDirectory(circuit, ensureBuilt().cache().resolve(circuit));
    }

    /** A prover configuration for the given circuits with defaults otherwise. */
    public static ProverConfig config(String... circuits) {
        List<CircuitArtifacts> artifacts = new ArrayList<>();
        for (String circuit : circuits) {
            artifacts.add(artifacts(circuit));
        }
        return ProverConfig.defaults(workerScript(), artifacts);
    }

    private static Result run() {
        Path cache = repoRoot().resolve("zk-circuits/target/zk-build");
        try {
            // the integration tests run in two JVMs (ADR 057): one builds the cache while the other waits here for it,
            // then finds it built; a lock on a file beside the cache, which the operating system releases if a JVM dies
            Files.createDirectories(cache.getParent());
            try (FileChannel channel = FileChannel.open(cache.resolveSibling("zk-build.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
                return runLocked(cache);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Result runLocked(Path cache) {
        try {
            Path log = Files.createTempFile("build-circuits", ".log");
            Process process = new ProcessBuilder("node", repoRoot().resolve("zk-circuits/scripts/build-circuits.mjs").toString(),
                    "--check", "--cache", cache.toString())
                    .directory(repoRoot().toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!process.waitFor(15, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("build-circuits.mjs timed out");
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            Files.deleteIfExists(log);
            return new Result(process.exitValue(), output, cache);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
