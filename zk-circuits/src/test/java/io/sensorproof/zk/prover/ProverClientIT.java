package io.sensorproof.zk.prover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sensorproof.zk.CircuitBuild;
import io.sensorproof.zk.claims.EmissionsClaimWitness;
import io.sensorproof.zk.claims.ExampleClaims;
import io.sensorproof.zk.claims.ProofRequest;
import io.sensorproof.zk.claims.RunClaimWitness;
import io.sensorproof.zk.groth16.Groth16Verifier;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker pool with real Node processes: both claim circuits proved with both engines, concurrent
 * proofs, a killed worker, a hung worker (SIGSTOP), back-pressure, a proof the Java verifier rejects,
 * witnesses refused before the Java prover sees them (false claim, other public inputs, a tampered
 * witness), a damaged zkey, and shutdown without orphans. Unless a test says otherwise the engine is
 * the default, Java.
 */
class ProverClientIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ProofRequest excursion() {
        return RunClaimWitness.of(ExampleClaims.coldRun(12), ExampleClaims.LO, ExampleClaims.HI,
                ExampleClaims.RUN_MAX_GAP).request();
    }

    private static ProofRequest emissions() {
        return EmissionsClaimWitness.of(ExampleClaims.registerReadings(8), ExampleClaims.REGISTER_MAX_GAP).request();
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
    void provesEveryClaimCircuitWithBothEnginesAndTheJavaVerifierAcceptsEachProof() throws Exception {
        for (ProverEngine engine : ProverEngine.values()) {
            try (ProverClient client = ProverClient.start(CircuitBuild.config("excursion", "emissions").withWorkers(1).withEngine(engine))) {
                for (ProofRequest request : List.of(excursion(), emissions())) {
                    ProofResult result = client.prove(request);
                    assertThat(result.engine()).isEqualTo(engine);
                    assertThat(result.proof().inputs()).isEqualTo(request.publicInputs());
                    Groth16Verifier verifier = Groth16Verifier.fromJson(Files.readString(CircuitBuild.ensureBuilt().cache()
                            .resolve(request.circuit()).resolve("verification.key")));
                    assertThat(verifier.verify(io.sensorproof.zk.groth16.ZokratesJson.parseProof(result.proofJson())))
                            .as("%s proof of %s", engine, request.circuit()).isTrue();
                }
                assertThat(client.javaProofs()).isEqualTo(engine == ProverEngine.JAVA ? 2 : 0);
            }
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
            // stopped first, so the request is certainly on the worker (not done, not still queued) when it dies
            signal(pid, "STOP");
            CompletableFuture<ProofResult> inFlight = client.submit(excursion());
            while (client.queued() > 0) {
                Thread.sleep(20);
            }
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
            assertThat(client.javaProofs()).as("refused before proving").isZero();
            assertThatThrownBy(() -> client.submit(new ProofRequest("emissions", honest.arguments(), other)))
                    .isInstanceOf(ProverException.class)
                    .extracting(e -> ((ProverException) e).code()).isEqualTo(ProverException.Code.UNKNOWN_CIRCUIT);
            ArrayNode broken = ((ArrayNode) honest.arguments()).deepCopy();
            broken.set(3, JSON.getNodeFactory().textNode("9007199254740992")); // lo = 2^53
            assertThat(failure(client.submit(new ProofRequest("excursion", broken, honest.publicInputs()))))
                    .isEqualTo(ProverException.Code.WITNESS_FAILED);
            assertThat(client.javaProofs()).as("a false claim never reaches the prover").isZero();
            assertThat(client.prove(honest).engine()).isEqualTo(ProverEngine.JAVA);
            assertThat(client.javaProofs()).isEqualTo(1);
        }
    }

    /**
     * A worker whose witness has one private value changed (a wrapper around the real worker flips a bit
     * of it in the answer): the Java engine's R1CS check refuses it before proving ({@code WITNESS_REJECTED},
     * no Java proof made), where the prover alone would only have failed at its self-check.
     */
    @Test
    void tamperedWitnessIsRefusedBeforeProving(@TempDir Path dir) throws Exception {
        CircuitArtifacts excursion = CircuitBuild.artifacts("excursion");
        int nPublic = JSON.readTree(Files.readString(excursion.directory().resolve("verification.key"))).get("gamma_abc").size() - 1;
        // .wtns: 12-byte file header, section 1 (12 + 4 + 32 + 4 bytes), section 2's 12-byte header, then 32 bytes per value
        int firstPrivate = 12 + 52 + 12 + 32 * (nPublic + 1);
        Path wrapper = dir.resolve("tampering-worker.mjs");
        Files.writeString(wrapper, """
                import { spawn } from "node:child_process";
                import { createInterface } from "node:readline";
                const child = spawn(process.execPath, [REAL, ...process.argv.slice(2)], { stdio: ["pipe", "pipe", "inherit"] });
                process.stdin.pipe(child.stdin);
                createInterface({ input: child.stdout, crlfDelay: Infinity }).on("line", (line) => {
                  const message = JSON.parse(line);
                  if (message.wtns) {
                    const wtns = Buffer.from(message.wtns, "base64");
                    wtns[OFFSET] ^= 1;
                    message.wtns = wtns.toString("base64");
                  }
                  process.stdout.write(JSON.stringify(message) + "\\n");
                });
                child.on("exit", (code) => process.exit(code ?? 1));
                """.replace("REAL", JSON.writeValueAsString(CircuitBuild.workerScript().toString()))
                .replace("OFFSET", Integer.toString(firstPrivate)));
        ProverConfig config = new ProverConfig("node", wrapper, List.of(excursion), 1, 4, Duration.ofMinutes(5), Duration.ofMinutes(1));
        try (ProverClient client = ProverClient.start(config)) {
            ProverException.Code code = failure(client.submit(excursion()));
            assertThat(code).isEqualTo(ProverException.Code.WITNESS_REJECTED);
            assertThat(client.failures(ProverException.Code.WITNESS_REJECTED)).isEqualTo(1);
            assertThat(client.javaProofs()).isZero();
        }
    }

    @Test
    void damagedZkeyFailsTheStartWithATypedCode(@TempDir Path dir) throws Exception {
        CircuitArtifacts real = CircuitBuild.artifacts("excursion");
        Path copy = Files.createDirectories(dir.resolve("excursion"));
        for (String file : List.of("program.bin", "abi.json", "circuit.r1cs", "verification.key")) {
            Files.copy(real.directory().resolve(file), copy.resolve(file));
        }
        byte[] zkey = Files.readAllBytes(real.directory().resolve("circuit.zkey"));
        Files.write(copy.resolve("circuit.zkey"), java.util.Arrays.copyOf(zkey, zkey.length / 2));
        ProverConfig config = ProverConfig.defaults(CircuitBuild.workerScript(), List.of(CircuitArtifacts.fromBuildDirectory("excursion", copy)));
        assertThatThrownBy(() -> ProverClient.start(config)).isInstanceOfSatisfying(ProverException.class,
                e -> assertThat(e.code()).isEqualTo(ProverException.Code.CIRCUIT_LOAD_FAILED));
    }
}
