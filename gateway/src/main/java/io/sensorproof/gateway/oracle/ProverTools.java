package io.sensorproof.gateway.oracle;

import io.sensorproof.oracle.anvil.AnvilBinary;
import io.sensorproof.zk.prover.CircuitArtifacts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Where the prover workers' files are, framework-free: the repository the application was built in
 * (its {@code node_modules} holds zokrates-js, which {@code zk-circuits/scripts/prover-worker.mjs}
 * imports, so the script runs from there and is not copied), and the circuits' build (program, R1CS and snarkjs
 * proving key, tens of MB, produced by {@code build-circuits.mjs} and cached in
 * {@code zk-circuits/target/zk-build}, which the zk-circuits tests also use).
 *
 * <p>The proofs are checked against the verification keys committed in zk-circuits (the ones the
 * deployed verifier contracts were generated from), so a stale or foreign build yields rejected
 * proofs, never accepted wrong ones.
 */
public final class ProverTools {
    /** The claim circuits the oracle proves. */
    public static final List<String> CIRCUITS = List.of("excursion", "emissions");

    private final Path repository;
    private final Path circuitsDirectory;
    private final boolean defaultCircuitsDirectory;

    private ProverTools(Path repository, Path circuitsDirectory, boolean defaultCircuitsDirectory) {
        this.repository = repository;
        this.circuitsDirectory = circuitsDirectory;
        this.defaultCircuitsDirectory = defaultCircuitsDirectory;
    }

    /**
     * Finds the repository ({@code configured}, or above the application's jar, or above the working
     * directory) and the circuits' directory ({@code circuitsDir}, or the repository's build cache).
     *
     * @throws OracleSetupException {@code TOOLS_MISSING} when no repository with node_modules is found
     */
    public static ProverTools locate(Optional<Path> configured, Optional<Path> circuitsDir) {
        List<Path> starts = new ArrayList<>();
        configured.ifPresent(starts::add);
        if (configured.isEmpty()) {
            AnvilBinary.codeLocation(ProverTools.class).ifPresent(starts::add);
            starts.add(Path.of(""));
        }
        Path repository = starts.stream().map(ProverTools::repositoryAbove).flatMap(Optional::stream).findFirst()
                .orElseThrow(() -> new OracleSetupException(OracleSetupException.Code.TOOLS_MISSING,
                        "no repository with node_modules/zokrates-js and zk-circuits/scripts/prover-worker.mjs above " + starts
                                + " (run `npm ci` at the repository root, or set sensorproof.prover.repository)"));
        return new ProverTools(repository, circuitsDir.orElse(repository.resolve("zk-circuits/target/zk-build")).toAbsolutePath(),
                circuitsDir.isEmpty());
    }

    private static Optional<Path> repositoryAbove(Path start) {
        for (Path dir = start.toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("node_modules").resolve("zokrates-js"))
                    && Files.isRegularFile(dir.resolve("zk-circuits/scripts/prover-worker.mjs"))) {
                return Optional.of(dir);
            }
        }
        return Optional.empty();
    }

    /** The repository root. */
    public Path repository() {
        return repository;
    }

    /** {@code zk-circuits/scripts/prover-worker.mjs}. */
    public Path workerScript() {
        return repository.resolve("zk-circuits/scripts/prover-worker.mjs");
    }

    /** The directory holding one build directory per circuit. */
    public Path circuitsDirectory() {
        return circuitsDirectory;
    }

    /**
     * With the default circuits directory, runs {@code build-circuits.mjs --check --cache DIR}: it
     * builds a circuit whose cache key (sources, zokrates-js version, setup label) is missing or stale
     * — minutes on a cold cache — and otherwise only checks the committed keys against the cache,
     * seconds. Each output line goes to {@code progress}, and a "still …" line after every 10 s without one. A configured directory is used as it is.
     *
     * @throws OracleSetupException {@code TOOLS_MISSING} when node cannot run the script or a circuit is still missing afterwards
     */
    public void ensureBuilt(String node, Duration timeout, Consumer<String> progress) {
        if (defaultCircuitsDirectory) {
            Path script = repository.resolve("zk-circuits/scripts/build-circuits.mjs");
            try {
                Process process = new ProcessBuilder(node, script.toString(), "--check", "--cache", circuitsDirectory.toString())
                        .directory(repository.toFile()).redirectErrorStream(true).start();
                try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                        QuietStepHeartbeat heartbeat = new QuietStepHeartbeat("circuit-build-progress", "circuits: building or checking",
                                Duration.ofSeconds(10), progress)) {
                    String line;
                    while ((line = out.readLine()) != null) {
                        heartbeat.line("circuits: " + line);
                    }
                }
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    throw new OracleSetupException(OracleSetupException.Code.TOOLS_MISSING, "build-circuits.mjs took longer than " + timeout);
                }
                if (process.exitValue() != 0) {
                    // exit 1: the committed keys differ from the build; proofs will then be rejected
                    // by the committed keys, which the self-check reports
                    progress.accept("circuits: build-circuits.mjs --check exited with " + process.exitValue()
                            + ": the build differs from the committed keys");
                }
            } catch (IOException e) {
                throw new OracleSetupException(OracleSetupException.Code.TOOLS_MISSING, "cannot run " + node + " " + script + ": " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OracleSetupException(OracleSetupException.Code.PROVER_FAILED, "interrupted while building the circuits", e);
            }
        }
        for (String circuit : CIRCUITS) {
            for (String file : List.of("program.bin", "abi.json", "circuit.zkey", "circuit.r1cs")) {
                if (!Files.isRegularFile(circuitsDirectory.resolve(circuit).resolve(file))) {
                    throw new OracleSetupException(OracleSetupException.Code.TOOLS_MISSING, circuitsDirectory.resolve(circuit).resolve(file)
                            + " is missing (node zk-circuits/scripts/build-circuits.mjs builds it)");
                }
            }
        }
    }

    /** The claim circuits' artifacts, each checked with the verification key committed for it. */
    public List<CircuitArtifacts> artifacts() {
        return CIRCUITS.stream().map(c -> CircuitArtifacts.withCommittedKey(c, circuitsDirectory.resolve(c))).toList();
    }
}
