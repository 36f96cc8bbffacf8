package io.sensorproof.zk.prover;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One Node.js prover worker: the process, a reader thread that hands each answer line to the one
 * request in flight, and a thread that keeps the last lines of its standard error for messages.
 */
final class WorkerProcess {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int STDERR_LINES = 20;

    private final Process process;
    private final OutputStream stdin;
    private final CompletableFuture<JsonNode> ready = new CompletableFuture<>();
    private final Deque<String> stderrTail = new ArrayDeque<>();
    private volatile CompletableFuture<JsonNode> pending;

    private WorkerProcess(Process process) {
        this.process = process;
        this.stdin = process.getOutputStream();
    }

    /** Starts a worker and waits until it has loaded its circuits. */
    static WorkerProcess start(ProverConfig config, String name) {
        List<String> command = new ArrayList<>(List.of(config.node(), config.workerScript().toString()));
        if (config.engine() == ProverEngine.JAVA) {
            command.add("--witness-only"); // the JVM proves: the worker need not hold the zkeys
        }
        for (CircuitArtifacts circuit : config.circuits()) {
            command.add(circuit.name() + "=" + circuit.directory().toAbsolutePath());
        }
        Process process;
        try {
            process = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new ProverException(ProverException.Code.WORKER_START_FAILED, "cannot run " + command.get(0), e);
        }
        WorkerProcess worker = new WorkerProcess(process);
        worker.startThreads(name);
        try {
            worker.ready.get(config.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
            return worker;
        } catch (TimeoutException | ExecutionException e) {
            worker.kill();
            throw new ProverException(ProverException.Code.WORKER_START_FAILED,
                    "worker not ready within " + config.startTimeout() + worker.stderrSummary(), e);
        } catch (InterruptedException e) {
            worker.kill();
            Thread.currentThread().interrupt();
            throw new ProverException(ProverException.Code.SHUT_DOWN, "interrupted while starting a worker");
        }
    }

    private void startThreads(String name) {
        Thread reader = new Thread(this::readAnswers, name + "-stdout");
        reader.setDaemon(true);
        reader.start();
        Thread errors = new Thread(this::readErrors, name + "-stderr");
        errors.setDaemon(true);
        errors.start();
    }

    private void readAnswers() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                JsonNode message;
                try {
                    message = JSON.readTree(line);
                } catch (IOException e) {
                    continue; // not an answer line (the worker writes answers only; tolerate stray output)
                }
                if (message.path("ready").asBoolean(false)) {
                    ready.complete(message);
                    continue;
                }
                CompletableFuture<JsonNode> current = pending;
                if (current != null) {
                    current.complete(message);
                }
            }
        } catch (IOException e) {
            // the stream closes when the process dies; handled below
        }
        ProverException died = new ProverException(ProverException.Code.WORKER_CRASHED,
                "worker process " + process.pid() + " exited" + stderrSummary());
        ready.completeExceptionally(died);
        CompletableFuture<JsonNode> current = pending;
        if (current != null) {
            current.completeExceptionally(died);
        }
    }

    private void readErrors() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (stderrTail) {
                    if (stderrTail.size() == STDERR_LINES) {
                        stderrTail.removeFirst();
                    }
                    stderrTail.addLast(line);
                }
            }
        } catch (IOException e) {
            // process gone
        }
    }

    /**
     * Sends one request and waits for its answer.
     *
     * @throws TimeoutException when no answer arrives within {@code timeout}
     * @throws ProverException {@code WORKER_CRASHED} when the process dies first
     */
    JsonNode call(JsonNode request, Duration timeout) throws TimeoutException, InterruptedException {
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending = answer;
        try {
            stdin.write((JSON.writeValueAsString(request) + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        } catch (IOException e) {
            throw new ProverException(ProverException.Code.WORKER_CRASHED, "cannot write to worker " + pid(), e);
        }
        if (!process.isAlive()) {
            answer.completeExceptionally(new ProverException(ProverException.Code.WORKER_CRASHED,
                    "worker process " + pid() + " is not running"));
        }
        try {
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ProverException prover) {
                throw prover;
            }
            throw new ProverException(ProverException.Code.WORKER_CRASHED, "worker " + pid() + " failed", e.getCause());
        } finally {
            pending = null;
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Closes stdin (the worker exits by itself), then kills it if it is still running after {@code grace}. */
    void stop(Duration grace) {
        try {
            stdin.close();
        } catch (IOException e) {
            // already gone
        }
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            kill();
            Thread.currentThread().interrupt();
        }
    }

    /** Kills the process (and anything it started) and waits for it to be gone. */
    void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    String stderrSummary() {
        synchronized (stderrTail) {
            return stderrTail.isEmpty() ? "" : "; stderr: " + String.join(" | ", stderrTail);
        }
    }
}
