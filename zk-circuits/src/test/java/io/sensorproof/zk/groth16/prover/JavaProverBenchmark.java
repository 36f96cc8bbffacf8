package io.sensorproof.zk.groth16.prover;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Java Groth16 prover benchmark (not a test): per circuit, proof time on 1 and 2 threads split
 * into QAP evaluation, coset NTTs, MSMs, blinding and the verifier's self-check, the zkey's load
 * time and heap, and — in the same run, on the same zkey and witness — zokrates-js
 * {@code generateProof} (its own key for the same program) and snarkjs {@code groth16.prove}.
 * Writes a JSON results file with its parameters.
 *
 * <p>Usage: {@code JavaProverBenchmark OUTPUT.json POWER RUNS CIRCUIT...}; POWER is the powers of
 * tau made by snarkjs (8 suffices for the small circuits, 14 for excursion, 15 for emissions:
 * {@code prepare phase2} takes minutes there, cached in target/java-prover/).
 */
public final class JavaProverBenchmark {
    private JavaProverBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path output = Path.of(args[0]);
        int power = Integer.parseInt(args[1]);
        int runs = Integer.parseInt(args[2]);
        List<String> circuits = new ArrayList<>();
        for (String arg : List.of(args).subList(3, args.length)) {
            circuits.addAll(List.of(arg.split(",")));
        }
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode results = json.createObjectNode();
        results.put("benchmark", "Java Groth16 prover (io.sensorproof.zk.groth16.prover) vs zokrates-js and snarkjs, same circuit and witness");
        results.put("started", Instant.now().toString());
        results.put("availableProcessors", Runtime.getRuntime().availableProcessors());
        results.put("loadAverageAtStart", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        results.put("ptauPower", power);
        results.put("runsPerMeasurement", runs);
        results.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        results.put("maxHeapMb", Runtime.getRuntime().maxMemory() >> 20);

        Path out = ProverFixtures.cache().resolve("bench-" + power);
        List<String> build = new ArrayList<>(List.of("build", out.toString(), Integer.toString(power)));
        build.addAll(circuits);
        long started = System.nanoTime();
        ProverFixtures.node(240, build.toArray(new String[0]));
        results.put("fixtureBuildSeconds", (System.nanoTime() - started) / 1e9);

        Path nodeResults = out.resolve("node-bench.json");
        List<String> bench = new ArrayList<>(List.of("bench", out.toString(), nodeResults.toString()));
        bench.addAll(circuits);
        ProverFixtures.node(120, bench.toArray(new String[0]));
        JsonNode node = json.readTree(nodeResults.toFile());
        results.set("node", node);

        ObjectNode perCircuit = results.putObject("circuits");
        for (String circuit : circuits) {
            ObjectNode entry = perCircuit.putObject(circuit);
            entry.set("info", json.readTree(out.resolve(circuit).resolve("info.json").toFile()));
            byte[] zkey = Files.readAllBytes(out.resolve(circuit).resolve("circuit.zkey"));
            byte[] wtns = Files.readAllBytes(out.resolve(circuit).resolve("witness.wtns"));
            long heapBefore = usedHeap();
            long loadStart = System.nanoTime();
            ProvingKey key = ProvingKey.read(zkey);
            entry.put("zkeyLoadMs", (System.nanoTime() - loadStart) / 1e6);
            entry.put("zkeyBytes", zkey.length);
            entry.put("zkeyHeapMb", (usedHeap() - heapBefore) / 1048576.0);
            entry.put("nVars", key.nVars());
            entry.put("domainSize", key.domainSize());
            entry.put("coefficients", key.coefficientCount());
            for (int threads : new int[] {1, 2}) {
                try (Groth16Prover prover = Groth16Prover.create(threads)) {
                    for (int i = 0; i < Math.max(2, runs / 2); i++) {
                        prover.prove(key, wtns);
                    }
                    long[] sums = new long[6];
                    long peak = 0;
                    for (int i = 0; i < runs; i++) {
                        long t0 = System.nanoTime();
                        Proof proof = prover.prove(key, wtns);
                        sums[0] += System.nanoTime() - t0;
                        Proof.Timings t = proof.timings();
                        sums[1] += t.abcNanos();
                        sums[2] += t.nttNanos();
                        sums[3] += t.msmNanos();
                        sums[4] += t.blindNanos();
                        sums[5] += t.checkNanos();
                        peak = Math.max(peak, usedHeap());
                    }
                    ObjectNode m = entry.putObject("java" + threads + "Thread" + (threads > 1 ? "s" : ""));
                    m.put("proveMs", sums[0] / 1e6 / runs);
                    m.put("qapMs", sums[1] / 1e6 / runs);
                    m.put("nttMs", sums[2] / 1e6 / runs);
                    m.put("msmMs", sums[3] / 1e6 / runs);
                    m.put("blindMs", sums[4] / 1e6 / runs);
                    m.put("verifyMs", sums[5] / 1e6 / runs);
                    m.put("heapUsedMbAfterProofs", peak / 1048576.0);
                    JsonNode external = node.path("circuits").path(circuit);
                    double prove = sums[0] / 1e6 / runs;
                    if (external.has("zokratesJsProveMs")) {
                        m.put("speedupVsZokratesJs", external.get("zokratesJsProveMs").asDouble() / prove);
                        m.put("speedupVsSnarkjs", external.get("snarkjsProveMs").asDouble() / prove);
                    }
                    System.err.printf("%s, %d thread(s): %.1f ms (qap %.1f, ntt %.1f, msm %.1f, verify %.1f)%n", circuit, threads, prove,
                            sums[1] / 1e6 / runs, sums[2] / 1e6 / runs, sums[3] / 1e6 / runs, sums[5] / 1e6 / runs);
                }
            }
        }
        if (Boolean.getBoolean("bench.prover.synthetic")) {
            results.set("synthetic", synthetic(json, runs));
        }
        results.put("loadAverageAtEnd", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        Files.createDirectories(output.toAbsolutePath().getParent());
        json.writeValue(output.toFile(), results);
        System.err.println("results: " + output);
    }

    /**
     * MSM and NTT alone at claim-circuit scale (excursion: domain 2¹⁴, ~13k variables; emissions 2¹⁵), on
     * random full-width scalars (a real witness has many 0/1 values, which are cheaper): the part of a
     * proof that grows with the circuit, measurable without a zkey of that size.
     */
    private static ObjectNode synthetic(ObjectMapper json, int runs) {
        ObjectNode out = json.createObjectNode();
        java.util.Random random = new java.util.Random(45);
        int n1 = 1 << 14;
        int n2 = 1 << 12;
        io.sensorproof.zk.bn254.G1Point[] g1 = new io.sensorproof.zk.bn254.G1Point[n1];
        io.sensorproof.zk.bn254.G1Point g = MsmDifferentialTest.G1_GEN;
        for (int i = 0; i < n1; i++) {
            g1[i] = g.mul(io.sensorproof.zk.bn254.Scalar.of(new java.math.BigInteger(64, random).add(java.math.BigInteger.ONE)));
        }
        io.sensorproof.zk.bn254.G2Point[] g2 = new io.sensorproof.zk.bn254.G2Point[n2];
        for (int i = 0; i < n2; i++) {
            g2[i] = MsmDifferentialTest.G2_GEN.mul(io.sensorproof.zk.bn254.Scalar.of(new java.math.BigInteger(64, random).add(java.math.BigInteger.ONE)));
        }
        long[] scalars = new long[4 * n1];
        for (int i = 0; i < n1; i++) {
            java.math.BigInteger k = new java.math.BigInteger(256, random).mod(io.sensorproof.zk.bn254.Scalar.ORDER);
            for (int j = 0; j < 4; j++) {
                scalars[4 * i + j] = k.shiftRight(64 * j).longValue();
            }
        }
        for (int threads : new int[] {1, 2}) {
            java.util.concurrent.ForkJoinPool pool = threads == 1 ? null : new java.util.concurrent.ForkJoinPool(threads);
            try {
                ObjectNode m = out.putObject(threads + (threads == 1 ? "Thread" : "Threads"));
                m.put("g1Msm16384Ms", timeMs(runs, () -> Msm.msm(CurveOps.G1, g1, scalars, 0, pool)));
                m.put("g2Msm4096Ms", timeMs(runs, () -> Msm.msm(CurveOps.G2, g2, scalars, 0, pool)));
                Msm.batchAffine = false;
                m.put("g1Msm16384JacobianBucketsMs", timeMs(runs, () -> Msm.msm(CurveOps.G1, g1, scalars, 0, pool)));
                Msm.batchAffine = true;
            } finally {
                Msm.batchAffine = true;
                if (pool != null) {
                    pool.shutdown();
                }
            }
        }
        for (int log : new int[] {14, 15}) {
            Fr[] v = new Fr[1 << log];
            for (int i = 0; i < v.length; i++) {
                v[i] = Fr.of(new java.math.BigInteger(256, random).mod(io.sensorproof.zk.bn254.Scalar.ORDER));
            }
            out.put("oddCosetNtt2e" + log + "Ms", timeMs(runs, () -> Ntt.toOddCoset(v.clone())));
        }
        System.err.println("synthetic: " + out);
        return out;
    }

    private static double timeMs(int runs, Runnable task) {
        task.run();
        long start = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            task.run();
        }
        return (System.nanoTime() - start) / 1e6 / runs;
    }

    private static long usedHeap() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
