package io.sensorproof.zk.prover;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of a {@link ProverClient}.
 *
 * @param node the Node.js executable (default {@code node} on the PATH)
 * @param workerScript {@code zk-circuits/scripts/prover-worker.mjs}, where its {@code zokrates-js}
 *     import resolves (the repository's {@code node_modules})
 * @param circuits the circuits every worker loads
 * @param workers number of worker processes (each serves one request at a time: the witness on one core,
 *     and with {@link ProverEngine#SNARKJS} the proof too)
 * @param queueCapacity requests that may wait for a worker; one more is refused with
 *     {@code QUEUE_FULL}
 * @param requestTimeout longest a worker may take for one request before it is killed and
 *     restarted (with the Java engine the worker computes only the witness; the Java proof is not cut short)
 * @param startTimeout longest a worker may take to load its circuits and report ready
 * @param engine which prover makes the proofs (default {@link ProverEngine#JAVA})
 * @param proverThreads threads of the Java prover, shared by all workers' requests (default: the
 *     available processors): the witness is single-threaded WebAssembly in each worker, the Java MSMs use
 *     every prover thread, so one request alone gets all cores and concurrent ones share them
 */
public record ProverConfig(String node, Path workerScript, List<CircuitArtifacts> circuits, int workers,
        int queueCapacity, Duration requestTimeout, Duration startTimeout, ProverEngine engine, int proverThreads) {
    /** Default number of workers. */
    public static final int DEFAULT_WORKERS = 2;
    /** Default queue capacity. */
    public static final int DEFAULT_QUEUE_CAPACITY = 16;
    /** Default request timeout. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(120);
    /** Default start timeout. */
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);
    /** Default engine. */
    public static final ProverEngine DEFAULT_ENGINE = ProverEngine.JAVA;

    public ProverConfig {
        Objects.requireNonNull(node);
        Objects.requireNonNull(workerScript);
        circuits = List.copyOf(circuits);
        Objects.requireNonNull(requestTimeout);
        Objects.requireNonNull(startTimeout);
        Objects.requireNonNull(engine);
        if (circuits.isEmpty() || workers < 1 || queueCapacity < 1 || proverThreads < 1) {
            throw new IllegalArgumentException("need at least one circuit, one worker, one prover thread and a queue capacity of one");
        }
        if (circuits.stream().map(CircuitArtifacts::name).distinct().count() != circuits.size()) {
            throw new IllegalArgumentException("circuit names must be distinct");
        }
    }

    /** The default engine and prover threads with the other settings given. */
    public ProverConfig(String node, Path workerScript, List<CircuitArtifacts> circuits, int workers, int queueCapacity,
            Duration requestTimeout, Duration startTimeout) {
        this(node, workerScript, circuits, workers, queueCapacity, requestTimeout, startTimeout, DEFAULT_ENGINE, defaultProverThreads());
    }

    /** The Java prover's default thread count: the processors available to this JVM. */
    public static int defaultProverThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /** Defaults for everything but the script and the circuits. */
    public static ProverConfig defaults(Path workerScript, List<CircuitArtifacts> circuits) {
        return new ProverConfig("node", workerScript, circuits, DEFAULT_WORKERS, DEFAULT_QUEUE_CAPACITY,
                DEFAULT_REQUEST_TIMEOUT, DEFAULT_START_TIMEOUT);
    }

    public ProverConfig withWorkers(int count) {
        return new ProverConfig(node, workerScript, circuits, count, queueCapacity, requestTimeout, startTimeout, engine, proverThreads);
    }

    public ProverConfig withQueueCapacity(int capacity) {
        return new ProverConfig(node, workerScript, circuits, workers, capacity, requestTimeout, startTimeout, engine, proverThreads);
    }

    public ProverConfig withRequestTimeout(Duration timeout) {
        return new ProverConfig(node, workerScript, circuits, workers, queueCapacity, timeout, startTimeout, engine, proverThreads);
    }

    public ProverConfig withEngine(ProverEngine prover) {
        return new ProverConfig(node, workerScript, circuits, workers, queueCapacity, requestTimeout, startTimeout, prover, proverThreads);
    }

    public ProverConfig withProverThreads(int threads) {
        return new ProverConfig(node, workerScript, circuits, workers, queueCapacity, requestTimeout, startTimeout, engine, threads);
    }
}
