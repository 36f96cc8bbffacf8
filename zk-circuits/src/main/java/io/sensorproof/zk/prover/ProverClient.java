package io.sensorproof.zk.prover;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sensorproof.zk.claims.ProofRequest;
import io.sensorproof.zk.groth16.Groth16Proof;
import io.sensorproof.zk.groth16.VerificationException;
import io.sensorproof.zk.groth16.ZokratesJson;
import io.sensorproof.zk.groth16.prover.Groth16Prover;
import io.sensorproof.zk.groth16.prover.Proof;
import io.sensorproof.zk.groth16.prover.ProverErrorCode;
import io.sensorproof.zk.groth16.prover.ProverFailure;
import io.sensorproof.zk.groth16.prover.ProvingKey;
import io.sensorproof.zk.groth16.prover.R1cs;
import io.sensorproof.zk.groth16.prover.Witness;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashMap;
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
 * every circuit's program in memory and serving one request at a time, and the prover behind them
 * ({@link ProverConfig#engine()}): by default the worker computes only the witness (zokrates-js, a
 * snarkjs {@code .wtns}) and the JVM checks it against the circuit's R1CS, compares its public signals
 * with the request's and proves with the Java {@link Groth16Prover} on {@code circuit.zkey} (each key
 * read once, one prover with {@link ProverConfig#proverThreads()} threads shared by all workers); with
 * {@link ProverEngine#SNARKJS} the worker also proves, with snarkjs on the same zkey.
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
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ProverConfig config;
    private final Map<String, CircuitArtifacts> circuits;
    private final BlockingQueue<Job> queue;
    private final List<Slot> slots = new ArrayList<>();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicInteger restarts = new AtomicInteger();
    private final Map<ProverException.Code, AtomicLong> failures = new EnumMap<>(ProverException.Code.class);
    private final Map<String, JavaCircuit> javaCircuits = new HashMap<>();
    private final AtomicLong javaProofs = new AtomicLong();
    private volatile Groth16Prover javaProver;
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

    /** A circuit as the Java engine needs it: the proving key and the constraints, read and validated once. */
    private record JavaCircuit(ProvingKey key, R1cs r1cs) {
        static JavaCircuit load(CircuitArtifacts circuit) {
            try {
                ProvingKey key = ProvingKey.read(circuit.directory().resolve("circuit.zkey"));
                R1cs r1cs = R1cs.read(circuit.directory().resolve("circuit.r1cs"));
                if (key.nVars() != r1cs.wires() || key.nPublic() != r1cs.publicSignals()) {
                    throw new ProverException(ProverException.Code.CIRCUIT_LOAD_FAILED, circuit.name() + ": circuit.zkey has " + key.nVars()
                            + " signals (" + key.nPublic() + " public), circuit.r1cs " + r1cs.wires() + " (" + r1cs.publicSignals()
                            + "): not the same circuit");
                }
                return new JavaCircuit(key, r1cs);
            } catch (ProverFailure e) {
                throw new ProverException(ProverException.Code.CIRCUIT_LOAD_FAILED, circuit.name() + ": " + e.getMessage(), e);
            } catch (UncheckedIOException e) {
                throw new ProverException(ProverException.Code.CIRCUIT_LOAD_FAILED, circuit.name() + ": cannot read "
                        + e.getCause().getMessage(), e);
            }
        }
    }

    /**
     * Starts the workers and waits until each has loaded its circuits.
     *
     * @throws ProverException {@code WORKER_START_FAILED} if one cannot start (the others are stopped),
     *     {@code CIRCUIT_LOAD_FAILED} if the Java engine cannot read a circuit's zkey or R1CS
     */
    public static ProverClient start(ProverConfig config) {
        ProverClient client = new ProverClient(config);
        try {
            if (config.engine() == ProverEngine.JAVA) {
                for (CircuitArtifacts circuit : config.circuits()) {
                    client.javaCircuits.put(circuit.name(), JavaCircuit.load(circuit));
                }
                client.javaProver = Groth16Prover.create(config.proverThreads());
            }
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
        Job job = enqueue(request, config.engine() == ProverEngine.JAVA ? "wtns" : "prove");
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

    /** Proofs made by the Java prover so far (witnesses refused before proving are not counted). */
    public long javaProofs() {
        return javaProofs.get();
    }

    /** The prover in use. */
    public ProverEngine engine() {
        return config.engine();
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
        Groth16Prover prover = javaProver;
        if (prover != null) {
            prover.close();
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
        Job job = new Job(line, request, op);
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
                Duration.ofMillis(answer.path("proveMs").asLong()), answer.path("pid").asLong(),
                "java".equals(answer.path("engine").asText()) ? ProverEngine.JAVA : ProverEngine.SNARKJS);
    }

    /**
     * The Java engine's part of a request, on the slot's thread once the worker sent the witness: the
     * witness must have the circuit's size, carry the request's public inputs and satisfy every
     * constraint before the prover sees it; the prover's own self-check failing is a separate code.
     *
     * @return an answer shaped like a snarkjs worker's ({@code proof}, {@code witnessMs}, {@code proveMs})
     */
    private ObjectNode proveInJava(ProofRequest request, JsonNode answer) {
        JavaCircuit circuit = javaCircuits.get(request.circuit());
        long t0 = System.nanoTime();
        Witness witness;
        try {
            witness = Witness.read(Base64.getDecoder().decode(answer.path("wtns").asText()));
            if (witness.size() != circuit.key().nVars()) {
                throw new ProverFailure(ProverErrorCode.WITNESS_MISMATCH, "the witness has " + witness.size() + " values, "
                        + request.circuit() + " " + circuit.key().nVars());
            }
        } catch (ProverFailure | IllegalArgumentException e) {
            throw new ProverException(ProverException.Code.WITNESS_REJECTED, "the worker's witness for " + request.circuit()
                    + " is unusable: " + e.getMessage(), e);
        }
        List<BigInteger> inputs = new ArrayList<>();
        for (int i = 1; i <= circuit.key().nPublic(); i++) {
            inputs.add(witness.value(i));
        }
        if (!inputs.equals(request.publicInputs())) {
            throw new ProverException(ProverException.Code.PUBLIC_INPUT_MISMATCH,
                    "the witness's public inputs " + inputs + " are not the request's " + request.publicInputs() + " (not proved)");
        }
        try {
            circuit.r1cs().check(witness);
        } catch (ProverFailure e) {
            throw new ProverException(ProverException.Code.WITNESS_REJECTED, request.circuit() + ": " + e.getMessage() + " (not proved)", e);
        }
        Proof proof;
        try {
            proof = javaProver.prove(circuit.key(), witness);
        } catch (ProverFailure e) {
            throw new ProverException(e.code() == ProverErrorCode.PROOF_REJECTED ? ProverException.Code.PROOF_SELF_CHECK_FAILED
                    : ProverException.Code.PROVE_FAILED, request.circuit() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new ProverException(ProverException.Code.PROVE_FAILED, request.circuit() + ": the Java prover failed: " + e, e);
        }
        javaProofs.incrementAndGet();
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        try {
            out.set("proof", JSON.readTree(proof.toZokratesJson()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.put("witnessMs", answer.path("witnessMs").asLong());
        out.put("proveMs", Duration.ofNanos(System.nanoTime() - t0).toMillis());
        out.put("engine", "java");
        return out;
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

    private record Job(ObjectNode line, ProofRequest request, String op, CompletableFuture<JsonNode> result) {
        Job(ObjectNode line, ProofRequest request, String op) {
            this(line, request, op, new CompletableFuture<>());
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
                    long pid = worker.pid();
                    ObjectNode done = "wtns".equals(job.op()) ? proveInJava(job.request(), answer) : (ObjectNode) answer;
                    done.put("pid", pid);
                    job.result().complete(done);
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
