package io.sensorproof.oracle.contracts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sensorproof.zk.claims.CommittedReading;
import io.sensorproof.zk.claims.EmissionsClaimWitness;
import io.sensorproof.zk.prover.CircuitArtifacts;
import io.sensorproof.zk.prover.ProofResult;
import io.sensorproof.zk.prover.ProverClient;
import io.sensorproof.zk.prover.ProverConfig;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Proves the emissions claims that {@code CarbonCreditIT} submits (real Groth16 proofs of the
 * {@code emissions} circuit, N = 32) once and writes them as ZoKrates proof.json files with a name
 * and a note under {@code oracle/src/test/resources/claims/c3/}. Proving takes seconds per claim,
 * so the test reads the committed files instead of proving.
 *
 * <p>The claims are about the test's period P = [{@link #START_S}, {@link #END_S}) (2030-01-01
 * 00:00–02:00 UTC) with maxGap {@link #MAX_GAP} = 15 min (some on purpose not quite inside it); the
 * register devices report every 10 minutes. The proofs come from the prover pool on the build's
 * {@code circuit.zkey} and are checked against the committed {@code verification.key}. Run from the repository
 * root (the build directory from {@code node zk-circuits/scripts/build-circuits.mjs}, default
 * {@code zk-circuits/target/zk-build/emissions}):
 * <pre>
 * mvn -B -q -pl oracle -am test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
 * java -cp oracle/target/test-classes:oracle/target/classes:$(cat oracle/target/test-classpath.txt) \
 *     io.sensorproof.oracle.contracts.CarbonCreditFixtureGenerator . zk-circuits/target/zk-build/emissions [name...]
 * </pre>
 */
public final class CarbonCreditFixtureGenerator {
    /** A tool, not a service: a proof may take minutes on a loaded machine. */
    private static final Duration PROOF_TIMEOUT = Duration.ofMinutes(10);
    /** Period start, Unix seconds: 2030-01-01T00:00:00Z. */
    public static final long START_S = 1_893_456_000L;
    /** Period end, Unix seconds: two hours later. */
    public static final long END_S = START_S + 7_200;
    /** The period's (and the claims') maxGap in ms: 15 minutes. */
    public static final long MAX_GAP = 900_000;
    /** Register device with two continuous claims (start edge exactly maxGap, inner gaps maxGap and maxGap + 1). */
    public static final BigInteger STACK_1 = device("stack-1");
    /** Register device with one claim (start edge maxGap + 1, end edge 10 minutes short). */
    public static final BigInteger STACK_2 = device("stack-2");
    /** Registered device of the period without any claim. */
    public static final BigInteger STACK_3 = device("stack-3");

    private static final long MINUTE = 60_000;

    private CarbonCreditFixtureGenerator() {
    }

    /** A device id as a field element: the big-endian integer of its ASCII bytes (protocol §1). */
    public static BigInteger device(String id) {
        return new BigInteger(1, id.getBytes(StandardCharsets.US_ASCII));
    }

    /** One fixture to prove: its file name, note, readings as (ms after period start, grams) and maxGap. */
    record Fixture(String name, String note, BigInteger device, long[][] readings, long maxGap) {
        List<CommittedReading> committed() {
            List<CommittedReading> list = new ArrayList<>();
            for (int k = 0; k < readings.length; k++) {
                list.add(new CommittedReading(device, 7, 1_000 + k, 0, CommittedReading.CO2E_REGISTER,
                        START_S * 1_000 + readings[k][0], readings[k][1]));
            }
            return list;
        }
    }

    private static long[] at(long minutes, long plusMs, long grams) {
        return new long[] {minutes * MINUTE + plusMs, grams};
    }

    /** The claims, in the order the file names sort. */
    static List<Fixture> fixtures() {
        List<Fixture> list = new ArrayList<>();
        list.add(new Fixture("d1-a", "stack-1, first claim: 15 min after the start (start edge exactly maxGap: free); "
                + "gaps 10 min, 15 min (= maxGap, not counted), 15 min + 1 ms (counted whole: gapTime 900001); "
                + "register 5000000 -> 5006000 g", STACK_1, new long[][] {
                    at(15, 0, 5_000_000), at(25, 0, 5_001_500), at(40, 0, 5_003_750), at(55, 1, 5_006_000)}, MAX_GAP));
        long[][] d1b = new long[9][];
        d1b[0] = at(55, 1, 5_006_000);
        for (int k = 1; k < 9; k++) {
            d1b[k] = at(55 + 10L * k, 0, 5_006_000 + 1_500L * k);
        }
        list.add(new Fixture("d1-b", "stack-1, second claim, continuous with d1-a (55 min + 1 ms, 5006000 g); every "
                + "10 min to 135 min = period end + maxGap exactly (end edge free); register -> 5018000 g; gapTime 0",
                STACK_1, d1b, MAX_GAP));
        long[][] d2 = new long[11][];
        d2[0] = at(15, 1, 7_000_000);
        for (int k = 1; k < 10; k++) {
            d2[k] = at(15 + 10L * k, 0, 7_000_000 + 2_000L * k);
        }
        d2[10] = at(110, 0, 7_019_000);
        list.add(new Fixture("d2-a", "stack-2, only claim: starts 15 min + 1 ms after the start (start edge maxGap + 1: "
                + "charged whole), every 10 min to 105 min, last reading at 110 min (end edge 10 min short: charged); "
                + "register 7000000 -> 7019000 g; gapTime 0", STACK_2, d2, MAX_GAP));
        long[][] timeBroken = d1b.clone();
        timeBroken[0] = at(55, 2, 5_006_000);
        list.add(new Fixture("d1-b-time-broken", "stack-1 after d1-a, but starting at 55 min + 2 ms instead of d1-a's "
                + "last time 55 min + 1 ms (total equal): ContinuityBroken", STACK_1, timeBroken, MAX_GAP));
        long[][] totalBroken = d1b.clone();
        totalBroken[0] = at(55, 1, 5_006_001);
        list.add(new Fixture("d1-b-total-broken", "stack-1 after d1-a, starting at d1-a's last time but with "
                + "total 5006001 g instead of 5006000 g: ContinuityBroken", STACK_1, totalBroken, MAX_GAP));
        long[][] beyond = d1b.clone();
        beyond[8] = at(135, 1, 5_018_000);
        list.add(new Fixture("d1-beyond", "stack-1 after d1-a, continuous, but its last reading is at period end + "
                + "maxGap + 1 ms: ClaimBeyondPeriod", STACK_1, beyond, MAX_GAP));
        list.add(new Fixture("d1-after-end", "stack-1 after d1-b, continuous (135 min, 5018000 g) but starting at or "
                + "after the period end: ClaimBeyondPeriod", STACK_1, new long[][] {
                    at(135, 0, 5_018_000), at(145, 0, 5_019_500)}, MAX_GAP));
        list.add(new Fixture("d2-at-end", "stack-2, first claim starting exactly at the period end (120 min) and "
                + "ending 10 min later, within end + maxGap: ClaimBeyondPeriod (a claim must start before the end)",
                STACK_2, new long[][] {at(120, 0, 7_019_000), at(130, 0, 7_021_000)}, MAX_GAP));
        list.add(new Fixture("d1-before", "stack-1, first reading 1 ms before the period start: ClaimBeforePeriod",
                STACK_1, new long[][] {at(0, -1, 4_999_000), at(10, 0, 5_000_000)}, MAX_GAP));
        list.add(new Fixture("d1-wide-maxgap", "stack-1, the readings of d1-a proven with maxGap 15 min + 1 ms (gapTime 0), "
                + "above the period's 15 min: ClaimMaxGapTooLarge", STACK_1, new long[][] {
                    at(15, 0, 5_000_000), at(25, 0, 5_001_500), at(40, 0, 5_003_750), at(55, 1, 5_006_000)},
                MAX_GAP + 1));
        return list;
    }

    /**
     * Proves every fixture and writes {@code <out>/<name>.json}.
     *
     * @param args repository root, emissions build directory (compiled circuit and key), then
     *     optionally the names of the fixtures to prove (default: all; proofs are randomised, so
     *     re-proving one leaves the others' files unchanged)
     */
    public static void main(String[] args) throws Exception {
        Path repo = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        Path build = args.length > 1 ? Path.of(args[1]).toAbsolutePath()
                : repo.resolve("zk-circuits/target/zk-build").resolve(EmissionsClaimWitness.CIRCUIT);
        Path out = repo.resolve("oracle/src/test/resources/claims/c3");
        Files.createDirectories(out);
        ObjectMapper json = new ObjectMapper();
        ProverConfig config = ProverConfig.defaults(repo.resolve("zk-circuits/scripts/prover-worker.mjs"),
                List.of(CircuitArtifacts.withCommittedKey("emissions", build))).withWorkers(2)
                .withRequestTimeout(PROOF_TIMEOUT);
        try (ProverClient prover = ProverClient.start(config)) {
            Map<Fixture, CompletableFuture<ProofResult>> proofs = new LinkedHashMap<>();
            List<String> only = List.of(args).subList(Math.min(2, args.length), args.length);
            for (Fixture f : fixtures()) {
                if (!only.isEmpty() && !only.contains(f.name())) {
                    continue;
                }
                proofs.put(f, prover.submit(EmissionsClaimWitness.of(f.committed(), f.maxGap()).request()));
            }
            for (Map.Entry<Fixture, CompletableFuture<ProofResult>> e : proofs.entrySet()) {
                ObjectNode node = (ObjectNode) json.readTree(e.getValue().get().proofJson());
                node.put("name", e.getKey().name());
                node.put("note", e.getKey().note());
                Path file = out.resolve(e.getKey().name() + ".json");
                Files.writeString(file, json.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n");
                System.out.println("wrote " + file);
            }
        }
    }
}
