package io.sensorproof.zk.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sensorproof.zk.CircuitBuild;
import io.sensorproof.zk.claims.EmissionsClaimWitness;
import io.sensorproof.zk.claims.ExampleClaims;
import io.sensorproof.zk.claims.ProofRequest;
import io.sensorproof.zk.claims.RunClaimWitness;
import io.sensorproof.zk.prover.ProofResult;
import io.sensorproof.zk.prover.ProverClient;
import io.sensorproof.zk.prover.ProverConfig;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Prover benchmark (not a test): constraint counts of the claim circuits, proof latency per circuit
 * through a one-worker pool (witness, proving and Java verification included), and proofs per
 * minute of the excursion circuit with two workers. Writes a JSON results file.
 *
 * <p>Usage: {@code ProverBenchmark OUTPUT.json [sequentialRuns] [concurrentProofs]}.
 */
public final class ProverBenchmark {
    private ProverBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path output = Path.of(args[0]);
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int concurrent = args.length > 2 ? Integer.parseInt(args[2]) : 12;
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode results = json.createObjectNode();
        results.put("benchmark", "zk-circuits prover pool (zokrates-js 1.1.9, ark/g16/bn128, one core per worker)");
        results.put("started", Instant.now().toString());
        results.put("availableProcessors", Runtime.getRuntime().availableProcessors());
        results.put("loadAverageAtStart", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        results.put("sequentialRunsPerCircuit", runs);
        results.put("concurrentProofs", concurrent);

        CircuitBuild.Result build = CircuitBuild.ensureBuilt();
        if (build.exitCode() != 0) {
            throw new IllegalStateException("circuit build check failed:\n" + build.output());
        }
        // full claim trees: every slot present (the circuits' cost does not depend on the count)
        ProofRequest excursion = RunClaimWitness.of(ExampleClaims.coldRun(RunClaimWitness.SLOTS), ExampleClaims.LO,
                ExampleClaims.HI, ExampleClaims.RUN_MAX_GAP).request();
        ProofRequest emissions = EmissionsClaimWitness.of(ExampleClaims.registerReadings(EmissionsClaimWitness.SLOTS),
                ExampleClaims.REGISTER_MAX_GAP).request();

        ObjectNode circuits = results.putObject("circuits");
        ProverConfig config = CircuitBuild.config("excursion", "emissions");
        try (ProverClient one = ProverClient.start(config.withWorkers(1))) {
            for (ProofRequest request : List.of(excursion, emissions)) {
                ObjectNode entry = circuits.putObject(request.circuit());
                entry.put("constraints", json.readTree(build.cache().resolve(request.circuit()).resolve("build.json").toFile())
                        .get("constraintCount").asInt());
                entry.put("publicInputs", request.publicInputs().size());
                entry.put("slots", request.circuit().equals(RunClaimWitness.CIRCUIT) ? RunClaimWitness.SLOTS
                        : EmissionsClaimWitness.SLOTS);
                one.prove(request); // warm-up
                ArrayNode samples = entry.putArray("samples");
                double total = 0;
                double proving = 0;
                double witnessing = 0;
                for (int i = 0; i < runs; i++) {
                    long start = System.nanoTime();
                    ProofResult result = one.prove(request);
                    double ms = (System.nanoTime() - start) / 1e6;
                    ObjectNode sample = samples.addObject();
                    sample.put("totalMs", Math.round(ms));
                    sample.put("witnessMs", result.witnessTime().toMillis());
                    sample.put("proveMs", result.proveTime().toMillis());
                    total += ms;
                    proving += result.proveTime().toMillis();
                    witnessing += result.witnessTime().toMillis();
                }
                entry.put("meanTotalMs", Math.round(total / runs));
                entry.put("meanProveMs", Math.round(proving / runs));
                entry.put("meanWitnessMs", Math.round(witnessing / runs));
                System.out.printf("%s: %d constraints, mean %.0f ms per proof (zokrates-js proving %.0f ms)%n",
                        request.circuit(), entry.get("constraints").asInt(), total / runs, proving / runs);
            }
        }

        try (ProverClient two = ProverClient.start(config.withWorkers(2).withQueueCapacity(concurrent))) {
            two.prove(excursion);
            two.prove(excursion);
            long start = System.nanoTime();
            List<CompletableFuture<ProofResult>> futures = new ArrayList<>();
            for (int i = 0; i < concurrent; i++) {
                futures.add(two.submit(excursion));
            }
            for (CompletableFuture<ProofResult> future : futures) {
                future.get();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            ObjectNode throughput = results.putObject("throughputTwoWorkers");
            throughput.put("circuit", "excursion");
            throughput.put("proofs", concurrent);
            throughput.put("seconds", Math.round(seconds * 10) / 10.0);
            throughput.put("proofsPerMinute", Math.round(concurrent / seconds * 60 * 10) / 10.0);
            System.out.printf("2 workers: %d excursion proofs in %.1f s = %.1f proofs/min%n", concurrent, seconds,
                    concurrent / seconds * 60);
        }
        results.put("loadAverageAtEnd", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        Files.createDirectories(output.toAbsolutePath().getParent());
        Files.writeString(output, json.writeValueAsString(results) + "\n");
    }
}
