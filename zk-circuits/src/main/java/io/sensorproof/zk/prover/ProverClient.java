package io.sensorproof.zk.prover;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sensorproof.zk.claims.ProofRequest;
import io.sensorproof.zk.groth16.Groth16Proof;
import io.sensorproof.zk.groth16.VerificationException;
import io.sensorproof.zk.groth16.ZokratesJson;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A pool of long-running Node.js prover workers ({@code scripts/prover-worker.mjs}), each holding
 * every circuit's program and proving key in memory and proving one request at a time.
 *
 * <p>Requests wait in a bounded queue; when it is full, {@link #submit} refuses at once with
 * {@code QUEUE_FULL} (back-pressure instead of unbounded memory). A worker that exceeds the request
 * timeout is killed ({@code TIMEOUT}); one that dies is noticed by its closed output
 * ({@code WORKER_CRASHED}); either way a fresh worker takes its place before the next request.
 * Every proof is checked by the Java {@link io.sensorproof.zk.groth16.Groth16Verifier} and against
 * the request's public inputs before it is returned. {@link #close()} fails waiting requests with
 * {@code SHUT_DOWN} and stops every worker; workers also exit on their own when their standard
 * input closes, so they never outlive the JVM.
 */
public final class ProverClient implements AutoCloseable {
    private static final Duration STOP_GRACE = Duration.ofSeconds(2);

    private final ProverConfig config;
    private final Map<String, CircuitArtifacts> circuits;
    private final BlockingQueue<Job> queue;
    private final List<Slot> slots = new ArrayList<>();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicInteger restarts = new AtomicInteger();
    private final Map<ProverException.Code, AtomicLong> failures = new EnumMap<>(ProverException.Code.class);
    private volatile boolean closed;

    private ProverClient(ProverConfig config) {
        this.config = config;
        this.circuits = config.circuits().stream().collect(Collectors.toUnmodifiableMap(CircuitArtifacts::name,
                Function.identity()));
        this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
        for (ProverException.Code code : ProverException.Code.values()) {
            failures.put(code, new AtomicLong());
        }
    }

    /**
     * Starts the workers and waits until each has loaded its circuits.
     *
     * @throws ProverException {@code WORKER_START_FAILED} if one cannot start (the others are stopped)
     */
    public static ProverClient start(ProverConfig config) {
        ProverClient client = new ProverClient(config);
        try {
            for (int i = 0; i < config.workers(); i++) {
                Slot slot = client.new Slot(i);
                client.slots.add(slot);
                slot.worker = WorkerProcess.start(config, slot.name);
            }
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
        client.slots.forEach(Slot::begin);
        return client;
    }

    /**
     * Queues a proof request.
     *
     * @return the verified proof, or a future failed with a {@link ProverException}
     * @throws ProverException {@code QUEUE_FULL}, {@code SHUT_DOWN} or {@code UNKNOWN_CIRCUIT},
     *     immediately
     */
    public CompletableFuture<ProofResult> submit(ProofRequest request) {
        Job job = enqueue(request, "prove");
        return job.result.thenApply(answer -> verified(request, answer));
    }

    /** Proves and waits; the {@link ProverException} of a failed request is thrown as is. */
    public ProofResult prove(ProofRequest request) throws InterruptedException {
        return await(submit(request));
    }

    /**
     * Only computes the witness (no proof): fails with {@code WITNESS_FAILED} when the arguments
     * do not satisfy the circuit. Used to test circuits against false claims quickly.
     *
     * @return the circuit's output as zokrates-js prints it
     */
    public String computeWitness(ProofRequest request) throws InterruptedException {
        return await(enqueue(request, "witness").result.thenApply(answer -> answer.path("output").asText()));
    }

    /** Process ids of the current workers (a restarted worker has a new one). */
    public List<Long> workerPids() {
        List<Long> pids = new ArrayList<>();
        for (Slot slot : slots) {
            WorkerProcess worker = slot.worker;
            if (worker != null) {
                pids.add(worker.pid());
            }
        }
        return pids;
    }

    /** Workers lost so far to a timeout or a crash (each is replaced). */
    public int restarts() {
        return restarts.get();
    }

    /** Requests refused or failed so far with {@code code} (for metrics). */
    public long failures(ProverException.Code code) {
        return failures.get(code).get();
    }

    /** Requests waiting for a worker. */
    public int queued() {
        return queue.size();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<Job> waiting = new ArrayList<>();
        queue.drainTo(waiting);
        waiting.forEach(job -> fail(job, new ProverException(ProverException.Code.SHUT_DOWN, "the prover client is closing")));
        for (Slot slot : slots) {
            slot.thread.interrupt();
            WorkerProcess worker = slot.worker;
            if (worker != null) {
                worker.stop(STOP_GRACE);
            }
        }
        for (Slot slot : slots) {
            try {
                slot.thread.join(STOP_GRACE.toMillis() * 5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            WorkerProcess worker = slot.worker;
            if (worker != null && worker.isAlive()) {
                worker.kill();
            }
        }
    }

    private void fail(Job job, ProverException e) {
        failures.get(e.code()).incrementAndGet();
        job.result().completeExceptionally(e);
    }

    private ProverException refuse(ProverException e) {
        failures.get(e.code()).incrementAndGet();
        return e;
    }

    private Job enqueue(ProofRequest request, String op) {
        if (closed) {
            throw refuse(new ProverException(ProverException.Code.SHUT_DOWN, "the prover client is closed"));
        }
        if (!circuits.containsKey(request.circuit())) {
            throw refuse(new ProverException(ProverException.Code.UNKNOWN_CIRCUIT, "no circuit " + request.circuit()
                    + " (configured: " + circuits.keySet() + ")"));
        }
        ObjectNode line = JsonNodeFactory.instance.objectNode();
        line.put("id", ids.incrementAndGet());
        line.put("op", op);
        line.put("circuit", request.circuit());
        line.set("args", request.arguments());
        Job job = new Job(line);
        if (!queue.offer(job)) {
            throw refuse(new ProverException(ProverException.Code.QUEUE_FULL,
                    config.queueCapacity() + " requests are already waiting for " + config.workers() + " workers"));
        }
        return job;
    }

    private ProofResult verified(ProofRequest request, JsonNode answer) {
        try {
            return check(request, answer);
        } catch (ProverException e) {
            throw refuse(e);
        }
    }

    private ProofResult check(ProofRequest request, JsonNode answer) {
        String proofJson = answer.get("proof").toString();
        Groth16Proof proof;
        boolean valid;
        try {
            proof = ZokratesJson.parseProof(proofJson);
            valid = circuits.get(request.circuit()).verifier().verify(proof);
        } catch (VerificationException e) {
            throw new ProverException(ProverException.Code.PROOF_REJECTED, "the worker's proof is malformed: "
                    + e.getMessage(), e);
        }
        if (!valid) {
            throw new ProverException(ProverException.Code.PROOF_REJECTED,
                    "the Java verifier rejects the worker's proof for " + request.circuit());
        }
        if (!proof.inputs().equals(request.publicInputs())) {
            throw new ProverException(ProverException.Code.PUBLIC_INPUT_MISMATCH,
                    "the proof's public inputs " + proof.inputs() + " are not the request's " + request.publicInputs());
        }
        return new ProofResult(proof, proofJson, Duration.ofMillis(answer.path("witnessMs").asLong()),
                Duration.ofMillis(answer.path("proveMs").asLong()), answer.path("pid").asLong());
    }

    private static <T> T await(CompletableFuture<T> future) throws InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof ProverException prover) {
                throw prover;
            }
            throw new IllegalStateException(cause);
        }
    }

    private record Job(ObjectNode line, CompletableFuture<JsonNode> result) {
        Job(ObjectNode line) {
            this(line, new CompletableFuture<>());
        }
    }

    /** One worker position: a thread that feeds its worker process, replacing the process when it fails. */
    private final class Slot {
        final String name;
        final Thread thread;
        volatile WorkerProcess worker;

        Slot(int index) {
            this.name = "prover-worker-" + index;
            this.thread = new Thread(this::run, name);
            this.thread.setDaemon(true);
        }

        void begin() {
            thread.start();
        }

        private void run() {
            while (!closed) {
                Job job;
                try {
                    job = queue.take();
                } catch (InterruptedException e) {
                    return;
                }
                serve(job);
            }
        }

        private void serve(Job job) {
            try {
                if (worker == null || !worker.isAlive()) {
                    replace();
                }
                JsonNode answer = worker.call(job.line(), config.requestTimeout());
                JsonNode error = answer.get("error");
                if (error != null) {
                    fail(job, new ProverException(code(error.path("code").asText()), error.path("message").asText()));
                } else {
                    ((ObjectNode) answer).put("pid", worker.pid());
                    job.result().complete(answer);
                }
            } catch (TimeoutException e) {
                long pid = worker.pid();
                lose();
                fail(job, new ProverException(ProverException.Code.TIMEOUT,
                        "worker " + pid + " gave no answer within " + config.requestTimeout() + "; killed"));
                restartQuietly();
            } catch (InterruptedException e) {
                fail(job, new ProverException(ProverException.Code.SHUT_DOWN, "the prover client is closing"));
                Thread.currentThread().interrupt();
            } catch (ProverException e) {
                boolean crashed = e.code() == ProverException.Code.WORKER_CRASHED && !closed;
                if (crashed) {
                    lose();
                }
                fail(job, closed ? new ProverException(ProverException.Code.SHUT_DOWN, "the prover client is closing", e) : e);
                if (crashed) {
                    restartQuietly();
                }
            } catch (RuntimeException e) {
                job.result().completeExceptionally(e);
            }
        }

        /** Kills the current worker after a timeout or crash and counts it, before the request fails. */
        private void lose() {
            WorkerProcess lost = worker;
            worker = null;
            if (lost != null) {
                lost.kill();
                restarts.incrementAndGet();
            }
        }

        private void replace() {
            WorkerProcess old = worker;
            worker = null;
            if (old != null) {
                old.kill();
            }
            worker = WorkerProcess.start(config, name);
        }

        private void restartQuietly() {
            if (closed) {
                return;
            }
            try {
                replace();
            } catch (ProverException e) {
                // the next request retries the start and reports WORKER_START_FAILED if it fails again
            }
        }

        private ProverException.Code code(String worker) {
            return switch (worker) {
                case "WITNESS_FAILED" -> ProverException.Code.WITNESS_FAILED;
                case "PROVE_FAILED" -> ProverException.Code.PROVE_FAILED;
                default -> ProverException.Code.BAD_REQUEST;
            };
        }
    }
}
