package io.sensorproof.zk.prover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sensorproof.zk.CircuitBuild;
import io.sensorproof.zk.claims.ExampleClaims;
import io.sensorproof.zk.claims.ProofRequest;
import io.sensorproof.zk.claims.RunClaimWitness;
import io.sensorproof.zk.groth16.Groth16Verifier;
import java.math.BigInteger;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The worker pool with real Node processes: concurrent proofs, a killed worker, a hung worker
 * (SIGSTOP), back-pressure, a proof the Java verifier rejects, and shutdown without orphans.
 */
class ProverClientIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ProofRequest excursion() {
        return RunClaimWitness.of(ExampleClaims.coldRun(12), ExampleClaims.LO, ExampleClaims.HI,
                ExampleClaims.RUN_MAX_GAP).request();
    }

    private static ProverException.Code failure(CompletableFuture<ProofResult> future) throws InterruptedException {
        try {
            future.get(5, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            while (!(cause instanceof ProverException) && cause != null && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof ProverException prover) {
                return prover.code();
            }
            throw new AssertionError(e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("no answer", e);
        }
        throw new AssertionError("the request succeeded");
    }

    private static void signal(long pid, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start();
        assertThat(kill.waitFor()).isZero();
    }

    private static void assertGone(List<Long> pids) {
        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("worker %d", pid).isFalse();
        }
    }

    @Test
    void twoWorkersProveConcurrentlyAndEveryProofIsVerified() throws Exception {
        List<Long> pids;
        try (ProverClient client = ProverClient.start(CircuitBuild.config("excursion").withWorkers(2))) {
            pids = client.workerPids();
            assertThat(pids).hasSize(2).doesNotHaveDuplicates();
            List<CompletableFuture<ProofResult>> futures = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                futures.add(client.submit(excursion()));
            }
            List<Long> provers = new ArrayList<>();
            for (CompletableFuture<ProofResult> future : futures) {
                ProofResult result = future.get(5, TimeUnit.MINUTES);
                assertThat(result.proof().inputs()).isEqualTo(excursion().publicInputs());
                provers.add(result.workerPid());
            }
            assertThat(provers).containsAll(pids);
            assertThat(client.restarts()).isZero();
        }
        assertGone(pids);
    }

    @Test
    void killedWorkerFailsItsRequestAndIsReplaced() throws Exception {
        try (ProverClient client = ProverClient.start(CircuitBuild.config("excursion").withWorkers(1))) {
            long pid = client.workerPids().get(0);
            CompletableFuture<ProofResult> inFlight = client.submit(excursion());
            Thread.sleep(300);
            signal(pid, "KILL");
            assertThat(failure(inFlight)).isEqualTo(ProverException.Code.WORKER_CRASHED);
            assertThat(client.restarts()).isEqualTo(1);
            assertThat(client.failures(ProverException.Code.WORKER_CRASHED)).isEqualTo(1);
            assertGone(List.of(pid));
            assertThat(client.computeWitness(excursion())).isNotNull();
            assertThat(client.workerPids()).hasSize(1).doesNotContain(pid);
        }
    }

    @Test
    void hungWorkerTimesOutIsKilledAndReplaced() throws Exception {
        ProverConfig config = CircuitBuild.config("excursion").withWorkers(1).withRequestTimeout(Duration.ofSeconds(3));
        try (ProverClient client = ProverClient.start(config)) {
            long pid = client.workerPids().get(0);
            signal(pid, "STOP");
            assertThat(failure(client.submit(excursion()))).isEqualTo(ProverException.Code.TIMEOUT);
            assertGone(List.of(pid));
            assertThat(client.restarts()).isEqualTo(1);
            assertThat(client.computeWitness(excursion())).isNotNull();
            assertThat(client.workerPids()).doesNotContain(pid);
        }
    }

    @Test
    void fullQueueRefusesAtOnceAndCloseFailsWaitingRequestsWithoutOrphans() throws Exception {
        ProverConfig config = CircuitBuild.config("excursion").withWorkers(1).withQueueCapacity(1);
        List<Long> pids;
        CompletableFuture<ProofResult> inFlight;
        CompletableFuture<ProofResult> waiting;
        try (ProverClient client = ProverClient.start(config)) {
            pids = client.workerPids();
            signal(pids.get(0), "STOP");
            inFlight = client.submit(excursion());
            while (client.queued() > 0) {
                Thread.sleep(20);
            }
            waiting = client.submit(excursion());
            assertThatThrownBy(() -> client.submit(excursion())).isInstanceOf(ProverException.class)
                    .extracting(e -> ((ProverException) e).code()).isEqualTo(ProverException.Code.QUEUE_FULL);
            assertThat(client.failures(ProverException.Code.QUEUE_FULL)).isEqualTo(1);
        }
        assertThat(failure(waiting)).isEqualTo(ProverException.Code.SHUT_DOWN);
        assertThat(failure(inFlight)).isEqualTo(ProverException.Code.SHUT_DOWN);
        assertGone(pids);
    }

    @Test
    void closedClientRefusesRequests() {
        ProverClient client = ProverClient.start(CircuitBuild.config("excursion").withWorkers(1));
        List<Long> pids = client.workerPids();
        client.close();
        assertGone(pids);
        assertThatThrownBy(() -> client.submit(excursion())).isInstanceOf(ProverException.class)
                .extracting(e -> ((ProverException) e).code()).isEqualTo(ProverException.Code.SHUT_DOWN);
    }

    @Test
    void proofTheJavaVerifierRejectsIsATypedError() throws Exception {
        // the right program and proving key, but a verification key whose first two input bases
        // are swapped: still a valid key, for which the worker's proofs are wrong
        CircuitArtifacts real = CircuitBuild.artifacts("excursion");
        ObjectNode key = (ObjectNode) JSON.readTree(Files.readString(real.directory().resolve("verification.key")));
        ArrayNode bases = (ArrayNode) key.get("gamma_abc");
        JsonNode first = bases.get(1);
        bases.set(1, bases.get(2));
        bases.set(2, first);
        CircuitArtifacts wrongKey = new CircuitArtifacts("excursion", real.directory(),
                Groth16Verifier.fromJson(JSON.writeValueAsString(key)));
        ProverConfig config = new ProverConfig("node", CircuitBuild.workerScript(), List.of(wrongKey), 1, 4,
                Duration.ofMinutes(5), Duration.ofMinutes(1));
        try (ProverClient client = ProverClient.start(config)) {
            assertThat(failure(client.submit(excursion()))).isEqualTo(ProverException.Code.PROOF_REJECTED);
        }
    }

    @Test
    void validProofForOtherPublicInputsAndUnknownCircuitsAreTypedErrors() throws Exception {
        try (ProverClient client = ProverClient.start(CircuitBuild.config("excursion").withWorkers(1))) {
            ProofRequest honest = excursion();
            List<BigInteger> other = new ArrayList<>(honest.publicInputs());
            other.set(3, BigInteger.ONE);
            ProofRequest mislabelled = new ProofRequest(honest.circuit(), honest.arguments(), other);
            assertThat(failure(client.submit(mislabelled))).isEqualTo(ProverException.Code.PUBLIC_INPUT_MISMATCH);
            assertThatThrownBy(() -> client.submit(new ProofRequest("emissions", honest.arguments(), other)))
                    .isInstanceOf(ProverException.class)
                    .extracting(e -> ((ProverException) e).code()).isEqualTo(ProverException.Code.UNKNOWN_CIRCUIT);
            ArrayNode broken = ((ArrayNode) honest.arguments()).deepCopy();
            broken.set(3, JSON.getNodeFactory().textNode("9007199254740992")); // lo = 2^53
            assertThat(failure(client.submit(new ProofRequest("excursion", broken, honest.publicInputs()))))
                    .isEqualTo(ProverException.Code.WITNESS_FAILED);
        }
    }
}
