package io.sensorproof.oracle.contracts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sensorproof.zk.claims.CommittedReading;
import io.sensorproof.zk.claims.RunClaimWitness;
import io.sensorproof.zk.prover.CircuitArtifacts;
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
 * Proves, once, the run claims (excursion circuit) that {@code CollateralFinancingIT} anchors, and
 * writes them as ZoKrates {@code proof.json} files with a {@code name} and a {@code note} to
 * {@code oracle/src/test/resources/claims/c2/}. Proving takes seconds per claim, so the tests use the
 * committed files; rerun this only when the claim set or the circuit's key changes (the proofs come from the
 * prover pool on the build's {@code circuit.zkey} and are checked against the committed {@code verification.key};
 * the build directory comes from {@code node zk-circuits/scripts/build-circuits.mjs}, default
 * {@code zk-circuits/target/zk-build/excursion} under the repository root):
 *
 * <pre>
 * mvn -B -q -pl oracle -am test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
 * java -cp oracle/target/test-classes:oracle/target/classes:$(cat oracle/target/test-classpath.txt) \
 *     io.sensorproof.oracle.contracts.CollateralClaimFixtureGenerator . zk-circuits/target/zk-build/excursion
 * </pre>
 *
 * <p>The set (all temperature unless said, times in 2030 so a test can move anvil's clock to them):
 * device A has three claims that chain (a1 → a2 with a gap of exactly 90 s, the facility's maxGap;
 * a2 → a3 one minute), a4 starts 90,001 ms after a3 ends; b1 is device B overlapping a1; c1 is device C
 * not overlapping a1; x1 is a device of another lot; n1 proves a range narrower than the terms; g1 has
 * a maxGap one millisecond larger than the terms; h1 is a humidity claim of device A.
 */
public final class CollateralClaimFixtureGenerator {
    /** A tool, not a service: a proof may take minutes on a loaded machine. */
    private static final Duration PROOF_TIMEOUT = Duration.ofMinutes(10);
    /** 2030-01-01T00:00:00Z in ms. */
    static final long T0 = 1_893_456_000_000L;
    static final long MINUTE = 60_000;
    /** Cold store at 2–8 °C in centi-kelvin, as the facility's terms in the test. */
    static final long LO = 27_515;
    static final long HI = 28_115;
    static final long MAX_GAP = 90_000;
    private static final long WARM = 28_515;
    private static final long COLD = 27_465;

    private CollateralClaimFixtureGenerator() {
    }

    /** One claim to prove. */
    record Spec(String name, String note, String device, int quantity, long lo, long hi, long maxGap,
            long firstTime, int count, int firstSeq) {
        List<CommittedReading> readings() {
            BigInteger field = CollateralClaimFixtures.device(device);
            List<CommittedReading> readings = new ArrayList<>();
            for (int k = 0; k < count; k++) {
                readings.add(new CommittedReading(field, 1, firstSeq + k, 0, quantity, firstTime + k * MINUTE,
                        k % 4 == 3 ? COLD : WARM));
            }
            return readings;
        }
    }

    /** The claims, one file each. */
    static List<Spec> specs() {
        String a = CollateralClaimFixtures.DEVICE_A;
        return List.of(
                new Spec("a1", "device A, 5 readings 12/1.5 degC from T0 to T0+4 min, terms' range and maxGap", a, 1, LO,
                        HI, MAX_GAP, T0, 5, 100),
                new Spec("a2", "device A, chains to a1 with a gap of exactly 90,000 ms (T0+5.5 min to T0+9.5 min)", a, 1,
                        LO, HI, MAX_GAP, T0 + 330_000, 5, 105),
                new Spec("a3", "device A, chains to a2 with a gap of 60,000 ms (T0+10.5 min to T0+14.5 min)", a, 1, LO, HI,
                        MAX_GAP, T0 + 630_000, 5, 110),
                new Spec("a4", "device A, starts 90,001 ms after a3 ends (maxGap + 1): does not chain", a, 1, LO, HI,
                        MAX_GAP, T0 + 960_001, 5, 115),
                new Spec("b1", "device B of the lot, T0+30 s to T0+4.5 min: overlaps a1", CollateralClaimFixtures.DEVICE_B,
                        1, LO, HI, MAX_GAP, T0 + 30_000, 5, 200),
                new Spec("c1", "device C of the lot, T0+10 min to T0+14 min: does not overlap a1",
                        CollateralClaimFixtures.DEVICE_C, 1, LO, HI, MAX_GAP, T0 + 600_000, 5, 300),
                new Spec("x1", "device X of another lot, T0 to T0+4 min", CollateralClaimFixtures.DEVICE_X, 1, LO, HI,
                        MAX_GAP, T0, 5, 400),
                new Spec("n1", "device A, times of a1, range [27615, 28115]: narrower than the terms' [27515, 28115]", a, 1,
                        LO + 100, HI, MAX_GAP, T0, 5, 100),
                new Spec("g1", "device A, times of a1, claim maxGap 90,001 ms: larger than the terms' 90,000", a, 1, LO, HI,
                        MAX_GAP + 1, T0, 5, 100),
                new Spec("h1", "device A, humidity (quantity 2), times of a1", a, 2, LO, HI, MAX_GAP, T0, 5, 500));
    }

    /**
     * Proves every claim of the set and writes the fixture files.
     *
     * @param args repository root (for the prover worker script), the excursion circuit's build directory
     */
    public static void main(String[] args) throws Exception {
        Path repo = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        Path build = args.length > 1 ? Path.of(args[1]).toAbsolutePath()
                : repo.resolve("zk-circuits/target/zk-build").resolve(RunClaimWitness.CIRCUIT);
        Path out = repo.resolve("oracle/src/test/resources/claims/c2");
        Files.createDirectories(out);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ProverConfig config = ProverConfig.defaults(repo.resolve("zk-circuits/scripts/prover-worker.mjs"),
                List.of(CircuitArtifacts.withCommittedKey(RunClaimWitness.CIRCUIT, build))).withWorkers(2)
                .withRequestTimeout(PROOF_TIMEOUT);
        try (ProverClient prover = ProverClient.start(config)) {
            Map<Spec, CompletableFuture<io.sensorproof.zk.prover.ProofResult>> pending = new LinkedHashMap<>();
            for (Spec spec : specs()) {
                RunClaimWitness witness = RunClaimWitness.of(spec.readings(), spec.lo(), spec.hi(), spec.maxGap());
                pending.put(spec, prover.submit(witness.request()));
            }
            for (Map.Entry<Spec, CompletableFuture<io.sensorproof.zk.prover.ProofResult>> e : pending.entrySet()) {
                ObjectNode proof = (ObjectNode) json.readTree(e.getValue().get().proofJson());
                ObjectNode file = json.createObjectNode();
                file.put("name", e.getKey().name());
                file.put("note", e.getKey().note());
                file.setAll(proof);
                Files.writeString(out.resolve(e.getKey().name() + ".json"), json.writeValueAsString(file) + "\n",
                        StandardCharsets.UTF_8);
                System.out.println("wrote " + e.getKey().name());
            }
        }
    }
}
