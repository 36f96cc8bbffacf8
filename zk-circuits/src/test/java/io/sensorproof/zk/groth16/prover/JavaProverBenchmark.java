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
 * into QAP evaluation, coset NTTs, MSMs (G2 separately), blinding and the verifier's self-check, wall
 * and process CPU time, the zkey's load time and heap, the pool's R1CS check and witness transfer
 * (base64 decode + parse) — and in the same run, on the same witness, zokrates-js
 * {@code generateProof} (its own key for the same program: zokrates-js cannot read a snarkjs zkey, so
 * {@code java-prover-fixtures.mjs} makes one with zokrates-js {@code setup}, a key of the same circuit
 * and size, cached) and snarkjs {@code groth16.prove} on the same zkey. Writes a JSON results file with
 * its parameters.
 *
 * <p>Usage: {@code JavaProverBenchmark OUTPUT.json POWER RUNS CIRCUIT...}. The claim circuits
 * ({@code excursion}, {@code emissions}) use the keys of the circuits' build cache
 * ({@code build-circuits.mjs}, or {@code -Dzk.build.cache=DIR}: the pool's keys, 2¹⁴ and 2¹⁵ domains) and
 * their example witnesses; POWER is then ignored. Small test circuits get snarkjs keys from a powers of
 * tau of 2^POWER (8 suffices), cached in target/java-prover/.
 */
public final class JavaProverBenchmark {
    private static final List<String> CLAIM_CIRCUITS = List.of("excursion", "emissions");

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
        List<String> claims = circuits.stream().filter(CLAIM_CIRCUITS::contains).toList();
        List<String> small = circuits.stream().filter(c -> !CLAIM_CIRCUITS.contains(c)).toList();
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode results = json.createObjectNode();
        results.put("benchmark", "Java Groth16 prover (io.sensorproof.zk.groth16.prover) vs zokrates-js and snarkjs, same circuit and witness");
        results.put("command", "mvn -B -o -pl zk-circuits -am -Pbench-java-prover verify -DskipTests -Dbench.prover.circuits="
                + String.join(",", circuits) + " -Dbench.prover.runs=" + runs + " -Dbench.prover.power=" + power);
        results.put("started", Instant.now().toString());
        results.put("availableProcessors", Runtime.getRuntime().availableProcessors());
        results.put("loadAverageAtStart", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        results.put("ptauPowerForSmallCircuits", power);
        results.put("runsPerMeasurement", runs);
        results.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        results.put("maxHeapMb", Runtime.getRuntime().maxMemory() >> 20);
        results.put("notes", "wall and CPU times are means over runsPerMeasurement after warm-up; CPU = all threads of the process"
                + " (Java: JIT and GC included; Node: snarkjs' worker threads included); zokrates-js proves with a key from its own"
                + " setup of the same program (same circuit and size), snarkjs and Java with the same circuit.zkey");

        Path out = ProverFixtures.cache().resolve("bench-" + power);
        Path claimsOut = ProverFixtures.cache().resolve("bench-claims");
        long started = System.nanoTime();
        if (!small.isEmpty()) {
            List<String> build = new ArrayList<>(List.of("build", out.toString(), Integer.toString(power)));
            build.addAll(small);
            ProverFixtures.node(240, build.toArray(new String[0]));
        }
        if (!claims.isEmpty()) {
            Path cache = io.sensorproof.zk.CircuitBuild.ensureBuilt().cache();
            results.put("claimKeysFrom", cache.toString());
            List<String> build = new ArrayList<>(List.of("claims", claimsOut.toString(), cache.toString(), "--zokrates-key"));
            build.addAll(claims);
            ProverFixtures.node(240, build.toArray(new String[0]));
        }
        results.put("fixtureSeconds", (System.nanoTime() - started) / 1e9);

        ObjectNode node = json.createObjectNode();
        ObjectNode nodeCircuits = node.putObject("circuits");
        for (List<String> group : List.of(small, claims)) {
            if (group.isEmpty()) {
                continue;
            }
            Path dir = group == small ? out : claimsOut;
            Path nodeResults = dir.resolve("node-bench.json");
            List<String> bench = new ArrayList<>(List.of("bench", dir.toString(), nodeResults.toString()));
            bench.addAll(group);
            ProverFixtures.node(120, bench.toArray(new String[0]));
            JsonNode part = json.readTree(nodeResults.toFile());
            part.fields().forEachRemaining(e -> {
                if (!e.getKey().equals("circuits")) {
                    node.set(e.getKey(), e.getValue());
                }
            });
            part.path("circuits").fields().forEachRemaining(e -> nodeCircuits.set(e.getKey(), e.getValue()));
        }
        results.set("node", node);
        results.put("loadAverageAfterNode", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

        // -Dbench.prover.jfr=FILE: a JFR recording (profile settings) of the Java part, for `jfr print --events jdk.ExecutionSample`
        String jfrFile = System.getProperty("bench.prover.jfr", "");
        jdk.jfr.Recording recording = null;
        if (!jfrFile.isBlank() && !jfrFile.startsWith("${")) {
            recording = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
            recording.start();
            results.put("jfr", jfrFile);
        }
        ObjectNode perCircuit = results.putObject("circuits");
        for (String circuit : circuits) {
            Path dir = (CLAIM_CIRCUITS.contains(circuit) ? claimsOut : out).resolve(circuit);
            ObjectNode entry = perCircuit.putObject(circuit);
            entry.set("info", json.readTree(dir.resolve("info.json").toFile()));
            byte[] zkey = Files.readAllBytes(dir.resolve("circuit.zkey"));
            byte[] wtns = Files.readAllBytes(dir.resolve("witness.wtns"));
            long heapBefore = usedHeap();
            long loadStart = System.nanoTime();
            ProvingKey key = ProvingKey.read(zkey);
            entry.put("zkeyLoadMs", (System.nanoTime() - loadStart) / 1e6);
            entry.put("zkeyBytes", zkey.length);
            entry.put("zkeyHeapMb", (usedHeap() - heapBefore) / 1048576.0);
            entry.put("nVars", key.nVars());
            entry.put("nPublic", key.nPublic());
            entry.put("domainSize", key.domainSize());
            entry.put("coefficients", key.coefficientCount());
            Witness witness = Witness.read(wtns);
            // the fixed-base tables (ADR 045, 2026-12-05): once per key, on 2 threads, before any measured proof;
            // first, the same proofs without them and with them, alternating, one thread, thread CPU time
            long heapBeforeTables = usedHeap();
            long precomputeStart = System.nanoTime();
            try (Groth16Prover builder = Groth16Prover.create(2)) {
                builder.precompute(key);
            }
            entry.put("fixedBasePrecomputeMs2Threads", (System.nanoTime() - precomputeStart) / 1e6);
            entry.put("fixedBaseTableCoordinateMb", key.fixedBaseTableBytes() / 1048576.0);
            entry.put("fixedBaseTableHeapMb", (usedHeap() - heapBeforeTables) / 1048576.0);
            entry.set("fixedBaseBeforeAfter", fixedBaseBeforeAfter(json, key, witness, runs));
            if (Files.isRegularFile(dir.resolve("circuit.r1cs"))) {
                R1cs r1cs = R1cs.read(dir.resolve("circuit.r1cs"));
                entry.put("constraints", r1cs.constraints());
                entry.put("r1csCheckMs", timeMs(runs, () -> r1cs.check(witness)));
            }
            String base64 = java.util.Base64.getEncoder().encodeToString(wtns);
            entry.put("wtnsBase64Bytes", base64.length());
            entry.put("wtnsBase64DecodeAndReadMs", timeMs(runs, () -> Witness.read(java.util.Base64.getDecoder().decode(base64))));
            JsonNode external = nodeCircuits.path(circuit);
            for (int threads : new int[] {1, 2}) {
                try (Groth16Prover prover = Groth16Prover.create(threads)) {
                    for (int i = 0; i < Math.max(2, runs / 2); i++) {
                        prover.prove(key, witness);
                    }
                    long[] sums = new long[8];
                    System.gc();
                    ManagementFactory.getMemoryPoolMXBeans().forEach(java.lang.management.MemoryPoolMXBean::resetPeakUsage);
                    for (int i = 0; i < runs; i++) {
                        long cpu0 = processCpuNanos();
                        long t0 = System.nanoTime();
                        Proof proof = prover.prove(key, witness);
                        sums[0] += System.nanoTime() - t0;
                        sums[7] += processCpuNanos() - cpu0;
                        Proof.Timings t = proof.timings();
                        sums[1] += t.abcNanos();
                        sums[2] += t.nttNanos();
                        sums[3] += t.msmNanos();
                        sums[4] += t.msmG2Nanos();
                        sums[5] += t.blindNanos();
                        sums[6] += t.checkNanos();
                    }
                    ObjectNode m = entry.putObject("java" + threads + "Thread" + (threads > 1 ? "s" : ""));
                    double prove = sums[0] / 1e6 / runs;
                    double cpu = sums[7] / 1e6 / runs;
                    m.put("proveMs", prove);
                    m.put("proveCpuMs", cpu);
                    m.put("qapMs", sums[1] / 1e6 / runs);
                    m.put("nttMs", sums[2] / 1e6 / runs);
                    m.put("msmMs", sums[3] / 1e6 / runs);
                    m.put("msmG2Ms", sums[4] / 1e6 / runs);
                    m.put("blindMs", sums[5] / 1e6 / runs);
                    m.put("verifyMs", sums[6] / 1e6 / runs);
                    // peak of each heap pool during the measured proofs, summed (garbage not yet collected included)
                    m.put("heapPeakMbDuringProofs", ManagementFactory.getMemoryPoolMXBeans().stream()
                            .filter(pool -> pool.getType() == java.lang.management.MemoryType.HEAP)
                            .mapToLong(pool -> pool.getPeakUsage().getUsed()).sum() / 1048576.0);
                    if (external.has("zokratesJsProveMs")) {
                        m.put("speedupVsZokratesJs", external.get("zokratesJsProveMs").asDouble() / prove);
                        m.put("speedupVsSnarkjs", external.get("snarkjsProveMs").asDouble() / prove);
                    }
                    if (external.has("zokratesJsProveCpuMs")) {
                        m.put("cpuRatioVsZokratesJs", external.get("zokratesJsProveCpuMs").asDouble() / cpu);
                        m.put("cpuRatioVsSnarkjs", external.get("snarkjsProveCpuMs").asDouble() / cpu);
                    }
                    System.err.printf("%s, %d thread(s): %.1f ms wall, %.1f ms CPU (qap %.1f, ntt %.1f, msm %.1f of which G2 %.1f, verify %.1f)%n",
                            circuit, threads, prove, cpu, sums[1] / 1e6 / runs, sums[2] / 1e6 / runs, sums[3] / 1e6 / runs,
                            sums[4] / 1e6 / runs, sums[6] / 1e6 / runs);
                }
            }
        }
        if (recording != null) {
            recording.stop();
            recording.dump(Path.of(jfrFile));
            recording.close();
        }
        if (Boolean.getBoolean("bench.prover.compare")) {
            results.set("beforeAfter", compareInverse(json, circuits, claimsOut, out, runs));
        }
        if (Boolean.getBoolean("bench.prover.sweep")) {
            results.set("windowSweep", sweep(json, circuits, claimsOut, out, runs));
        }
        if (Boolean.getBoolean("bench.prover.synthetic")) {
            results.set("synthetic", synthetic(json, runs));
        }
        results.put("loadAverageAtEnd", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        results.put("finished", Instant.now().toString());
        Files.createDirectories(output.toAbsolutePath().getParent());
        json.writeValue(output.toFile(), results);
        System.err.println("results: " + output);
    }

    /**
     * Proof time on one thread per Pippenger window offset (c = ⌊log₂ m⌋ − offset for m non-trivial scalars;
     * the default is 2), MSM time separately: to choose the window by size on the real keys and witnesses.
     */
    private static ObjectNode sweep(ObjectMapper json, List<String> circuits, Path claimsOut, Path out, int runs) throws Exception {
        ObjectNode result = json.createObjectNode();
        int saved = Msm.windowOffset;
        try (Groth16Prover prover = Groth16Prover.create(1)) {
            for (String circuit : circuits) {
                Path dir = (CLAIM_CIRCUITS.contains(circuit) ? claimsOut : out).resolve(circuit);
                ProvingKey key = ProvingKey.read(dir.resolve("circuit.zkey"));
                Witness witness = Witness.read(Files.readAllBytes(dir.resolve("witness.wtns")));
                ObjectNode entry = result.putObject(circuit);
                for (int offset : new int[] {1, 2, 3, 4, 5}) {
                    Msm.windowOffset = offset;
                    prover.prove(key, witness);
                    long msm = 0;
                    long msmG2 = 0;
                    long total = 0;
                    for (int i = 0; i < runs; i++) {
                        long t0 = System.nanoTime();
                        Proof proof = prover.prove(key, witness);
                        total += System.nanoTime() - t0;
                        msm += proof.timings().msmNanos();
                        msmG2 += proof.timings().msmG2Nanos();
                    }
                    ObjectNode m = entry.putObject("offset" + offset);
                    m.put("proveMs", total / 1e6 / runs);
                    m.put("msmMs", msm / 1e6 / runs);
                    m.put("msmG2Ms", msmG2 / 1e6 / runs);
                    System.err.printf("sweep %s offset %d: %.1f ms (msm %.1f, G2 %.1f)%n", circuit, offset, total / 1e6 / runs, msm / 1e6 / runs,
                            msmG2 / 1e6 / runs);
                }
            }
        } finally {
            Msm.windowOffset = saved;
        }
        return result;
    }

    /**
     * Before/after in one run, one thread, the variants alternating proof by proof so that load changes hit both
     * alike, each change alone: the batch-affine windows as first written (Fermat's a^(p−2) inverse, retry until
     * every point fits a batch, c = log₂ m − 2), then with BigInteger.modInverse ({@link BaseFieldInverse}), then
     * with one retry and a Jacobian overflow, then with c = log₂ m − 3 (the current code). Wall and thread CPU time.
     */
    private static ObjectNode compareInverse(ObjectMapper json, List<String> circuits, Path claimsOut, Path out, int runs) throws Exception {
        ObjectNode result = json.createObjectNode();
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        String[] names = {"before", "modInverse", "modInverseOverflow", "modInverseOverflowOffset3"};
        try (Groth16Prover prover = Groth16Prover.create(1)) {
            for (String circuit : circuits) {
                Path dir = (CLAIM_CIRCUITS.contains(circuit) ? claimsOut : out).resolve(circuit);
                ProvingKey key = ProvingKey.read(dir.resolve("circuit.zkey"));
                Witness witness = Witness.read(Files.readAllBytes(dir.resolve("witness.wtns")));
                long[][] sums = new long[names.length][4];
                for (int i = -1; i < runs; i++) {
                    for (int variant = 0; variant < names.length; variant++) {
                        BaseFieldInverse.enabled = variant >= 1;
                        Msm.retryUntilFits = variant < 2;
                        Msm.windowOffset = variant < 3 ? 2 : 3;
                        long cpu0 = threads.getCurrentThreadCpuTime();
                        long t0 = System.nanoTime();
                        Proof proof = prover.prove(key, witness);
                        if (i >= 0) {
                            sums[variant][0] += System.nanoTime() - t0;
                            sums[variant][1] += threads.getCurrentThreadCpuTime() - cpu0;
                            sums[variant][2] += proof.timings().msmNanos();
                            sums[variant][3] += proof.timings().msmG2Nanos();
                        }
                    }
                }
                ObjectNode entry = result.putObject(circuit);
                for (int variant = 0; variant < names.length; variant++) {
                    ObjectNode m = entry.putObject(names[variant]);
                    m.put("proveMs", sums[variant][0] / 1e6 / runs);
                    m.put("proveThreadCpuMs", sums[variant][1] / 1e6 / runs);
                    m.put("msmMs", sums[variant][2] / 1e6 / runs);
                    m.put("msmG2Ms", sums[variant][3] / 1e6 / runs);
                }
                System.err.println("before/after " + circuit + ": " + entry);
            }
        } finally {
            BaseFieldInverse.enabled = true;
            Msm.retryUntilFits = false;
            Msm.windowOffset = 3;
        }
        return result;
    }

    /**
     * One thread, the per-window MSMs (before) and the fixed-base MSMs (after) alternating proof by proof, so that load
     * changes hit both alike: wall and thread CPU time per proof, MSM time, and the bytes the thread allocated.
     */
    private static ObjectNode fixedBaseBeforeAfter(ObjectMapper json, ProvingKey key, Witness witness, int runs) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        String[] names = {"perWindowMsm", "fixedBaseMsm"};
        long[][] sums = new long[2][4];
        try (Groth16Prover prover = Groth16Prover.create(1)) {
            for (int i = -1; i < runs; i++) {
                for (int variant = 0; variant < 2; variant++) {
                    Groth16Prover.fixedBase = variant == 1;
                    long allocated0 = threads.getCurrentThreadAllocatedBytes();
                    long cpu0 = threads.getCurrentThreadCpuTime();
                    long t0 = System.nanoTime();
                    Proof proof = prover.prove(key, witness);
                    if (i >= 0) {
                        sums[variant][0] += System.nanoTime() - t0;
                        sums[variant][1] += threads.getCurrentThreadCpuTime() - cpu0;
                        sums[variant][2] += proof.timings().msmNanos();
                        sums[variant][3] += threads.getCurrentThreadAllocatedBytes() - allocated0;
                    }
                }
            }
        } finally {
            Groth16Prover.fixedBase = true;
        }
        ObjectNode entry = json.createObjectNode();
        for (int variant = 0; variant < 2; variant++) {
            ObjectNode m = entry.putObject(names[variant]);
            m.put("proveMs", sums[variant][0] / 1e6 / runs);
            m.put("proveThreadCpuMs", sums[variant][1] / 1e6 / runs);
            m.put("msmMs", sums[variant][2] / 1e6 / runs);
            m.put("allocatedMbPerProof", sums[variant][3] / 1048576.0 / runs);
        }
        entry.put("threadCpuRatio", (double) sums[0][1] / sums[1][1]);
        System.err.println("fixed base before/after: " + entry);
        return entry;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
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
