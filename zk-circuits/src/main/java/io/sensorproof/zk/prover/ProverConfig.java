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
 * @param workers number of worker processes (each proves one request at a time on one core)
 * @param queueCapacity requests that may wait for a worker; one more is refused with
 *     {@code QUEUE_FULL}
 * @param requestTimeout longest a worker may take for one request before it is killed and
 *     restarted (proving the emissions claim takes about 7.5 s of CPU on one core, more on a loaded machine)
 * @param startTimeout longest a worker may take to load its circuits and report ready
 */
public record ProverConfig(String node, Path workerScript, List<CircuitArtifacts> circuits, int workers,
        int queueCapacity, Duration requestTimeout, Duration startTimeout) {
    /** Default number of workers. */
    public static final int DEFAULT_WORKERS = 2;
    /** Default queue capacity. */
    public static final int DEFAULT_QUEUE_CAPACITY = 16;
    /** Default request timeout. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(120);
    /** Default start timeout. */
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);

    public ProverConfig {
        Objects.requireNonNull(node);
        Objects.requireNonNull(workerScript);
        circuits = List.copyOf(circuits);
        Objects.requireNonNull(requestTimeout);
        Objects.requireNonNull(startTimeout);
        if (circuits.isEmpty() || workers < 1 || queueCapacity < 1) {
            throw new IllegalArgumentException("need at least one circuit, one worker and a queue capacity of one");
        }
        if (circuits.stream().map(CircuitArtifacts::name).distinct().count() != circuits.size()) {
            throw new IllegalArgumentException("circuit names must be distinct");
        }
    }

    /** Defaults for everything but the script and the circuits. */
    public static ProverConfig defaults(Path workerScript, List<CircuitArtifacts> circuits) {
        return new ProverConfig("node", workerScript, circuits, DEFAULT_WORKERS, DEFAULT_QUEUE_CAPACITY,
                DEFAULT_REQUEST_TIMEOUT, DEFAULT_START_TIMEOUT);
    }

    public ProverConfig withWorkers(int count) {
        return new ProverConfig(node, workerScript, circuits, count, queueCapacity, requestTimeout, startTimeout);
    }

    public ProverConfig withQueueCapacity(int capacity) {
        return new ProverConfig(node, workerScript, circuits, workers, capacity, requestTimeout, startTimeout);
    }

    public ProverConfig withRequestTimeout(Duration timeout) {
        return new ProverConfig(node, workerScript, circuits, workers, queueCapacity, timeout, startTimeout);
    }
}
