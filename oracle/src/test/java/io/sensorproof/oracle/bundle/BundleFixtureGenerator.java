package io.sensorproof.oracle.bundle;

import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.ids.Identifiers;
import io.sensorproof.protocol.message.ReadingMessages;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import io.sensorproof.protocol.senml.ReadingPack;
import io.sensorproof.zk.claims.CommittedReading;
import io.sensorproof.zk.claims.EmissionsClaimWitness;
import io.sensorproof.zk.claims.RunClaimWitness;
import io.sensorproof.zk.prover.CircuitArtifacts;
import io.sensorproof.zk.prover.ProofResult;
import io.sensorproof.zk.prover.ProverClient;
import io.sensorproof.zk.prover.ProverConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Writes the committed fixture bundles {@code oracle/src/test/resources/bundles/evidence.json} and
 * {@code verification.json}: readings signed here as real COSE messages with fresh device keys
 * (ES256 and EdDSA), run and emissions claims built with zk-circuits' builders and proved with real
 * Groth16 proofs by the prover pool (witness by zokrates-js, proof on the build's snarkjs {@code circuit.zkey},
 * checked against the committed verification keys; ADR 044). No chain runs:
 * the transaction hashes and blocks are labels hashed here (a reader looks them up on chain; the
 * offline check does not use them). Rerun after a change of the circuits' keys or of the format:
 *
 * <pre>
 * mvn -B -q -pl oracle -am test-compile dependency:build-classpath -Dmdep.outputFile=$PWD/oracle/target/test-classpath.txt -Dmdep.includeScope=test
 * java -cp oracle/target/test-classes:oracle/target/classes:$(cat oracle/target/test-classpath.txt) \
 *     io.sensorproof.oracle.bundle.BundleFixtureGenerator . zk-circuits/target/zk-build
 * </pre>
 *
 * (the build directory comes from {@code node zk-circuits/scripts/build-circuits.mjs}).
 *
 * <p>Evidence: facility 7 watches temperature outside [2 °C, 8 °C] for 10 min, maxGap 90 s,
 * sampling every 60 s, maxAge 1 h, k = 2; cold-room-a (ES256) reports 12 °C every minute from T0
 * (two chained run claims of 7 readings, 13 min), cold-room-b (EdDSA) from T0 + 30 s (one claim of
 * 12 readings, 11 min); every message carries a temperature and a humidity record. Verification:
 * facility 3 period 1, two hours from T0, maxGap 15 min, 10 kg/h, baseline 100 kg; kiln-1 two
 * continuous claims from the period's start to end + 5 min with a 30-minute outage, kiln-2 one claim
 * from start + 5 min to 10 min before the end.
 */
public final class BundleFixtureGenerator {
    /** A tool, not a service: a proof may take minutes on a loaded machine. */
    private static final Duration PROOF_TIMEOUT = Duration.ofMinutes(10);
    /** 2030-01-01T00:00:00Z in ms. */
    static final long T0 = 1_893_456_000_000L;
    static final long MINUTE = 60_000;
    static final ContractAddresses CHAIN = new ContractAddresses(31337, "0x5fbdb2315678afecb367f032d93f642f64180aa3",
            "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512", "0x9fe46736679d2d9a65f0992f6f744a8d8d8e0b3a");
    static final Watch WATCH = new Watch(1, 27_515, 28_115, 10 * MINUTE, 90_000, MINUTE, 3_600_000, 2);
    static final CarbonPeriod PERIOD = new CarbonPeriod(T0 / 1000, T0 / 1000 + 7200, 100, 15 * MINUTE, 10,
            List.of("kiln-1", "kiln-2"));

    private BundleFixtureGenerator() {
    }

    /** One device's signed messages and the committed readings of its first records. */
    record Signed(String device, SigningKey key, List<byte[]> messages, List<ReadingKey> keys) {
    }

    /** Signs one message per time, record 0 {@code quantity} with {@code values[i]}, record 1 humidity. */
    static Signed sign(String device, SignatureAlgorithm alg, long boot, long firstSeq, List<Long> times, Quantity quantity,
            List<Double> values) {
        SigningKey key = Keys.generate(alg, new SecureRandom());
        List<byte[]> messages = new ArrayList<>();
        List<ReadingKey> keys = new ArrayList<>();
        for (int i = 0; i < times.size(); i++) {
            ReadingPack pack = new ReadingPack(device, List.of(new Reading(quantity, values.get(i), times.get(i)),
                    new Reading(Quantity.HUMIDITY, 55.5, times.get(i))));
            messages.add(ReadingMessages.sign(pack, boot, firstSeq + i, times.get(i) + 150, key));
            keys.add(new ReadingKey(device, boot, firstSeq + i, 0));
        }
        return new Signed(device, key, messages, keys);
    }

    static ChainRef tx(String label, long block, long blockTime) throws Exception {
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(label.getBytes(StandardCharsets.UTF_8));
        return new ChainRef("0x" + HexFormat.of().formatHex(hash), block, blockTime);
    }

    static List<Long> times(long first, long step, int count) {
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            times.add(first + i * step);
        }
        return times;
    }

    static List<CommittedReading> committed(Signed signed, List<Long> times, List<Long> values, int from, int to,
            int quantity) {
        List<CommittedReading> result = new ArrayList<>();
        for (int i = from; i < to; i++) {
            ReadingKey k = signed.keys().get(i);
            result.add(new CommittedReading(Identifiers.deviceField(k.deviceId()), k.boot(), k.seq(), 0, quantity,
                    times.get(i), values.get(i)));
        }
        return result;
    }

    public static void main(String[] args) throws Exception {
        Path repo = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        Path build = args.length > 1 ? Path.of(args[1]).toAbsolutePath() : repo.resolve("zk-circuits/target/zk-build");
        Path out = repo.resolve("oracle/src/test/resources/bundles");
        Files.createDirectories(out);
        ProverConfig config = ProverConfig.defaults(repo.resolve("zk-circuits/scripts/prover-worker.mjs"), List.of(
                CircuitArtifacts.withCommittedKey(RunClaimWitness.CIRCUIT, build.resolve(RunClaimWitness.CIRCUIT)),
                CircuitArtifacts.withCommittedKey(EmissionsClaimWitness.CIRCUIT, build.resolve(EmissionsClaimWitness.CIRCUIT))))
                .withWorkers(2)
                .withRequestTimeout(PROOF_TIMEOUT);
        try (ProverClient prover = ProverClient.start(config)) {
            Files.writeString(out.resolve("evidence.json"), evidence(prover), StandardCharsets.UTF_8);
            Files.writeString(out.resolve("verification.json"), verification(prover), StandardCharsets.UTF_8);
        }
        System.out.println("wrote " + out);
    }

    static String evidence(ProverClient prover) throws Exception {
        List<Long> timesA = times(T0, MINUTE, 14);
        List<Long> timesB = times(T0 + 30_000, MINUTE, 12);
        List<Double> warm = new ArrayList<>();
        for (int i = 0; i < 14; i++) {
            warm.add(12.0);
        }
        Signed a = sign("cold-room-a", SignatureAlgorithm.ES256, 3, 100, timesA, Quantity.TEMPERATURE, warm);
        Signed b = sign("cold-room-b", SignatureAlgorithm.EDDSA, 1, 40, timesB, Quantity.TEMPERATURE, warm.subList(0, 12));
        long fixed = 28_515;
        List<Long> valuesA = timesA.stream().map(t -> fixed).toList();
        List<Long> valuesB = timesB.stream().map(t -> fixed).toList();
        RunClaimWitness a1 = RunClaimWitness.of(committed(a, timesA, valuesA, 0, 7, 1), WATCH.lo(), WATCH.hi(), WATCH.maxGap());
        RunClaimWitness a2 = RunClaimWitness.of(committed(a, timesA, valuesA, 7, 14, 1), WATCH.lo(), WATCH.hi(),
                WATCH.maxGap());
        RunClaimWitness b1 = RunClaimWitness.of(committed(b, timesB, valuesB, 0, 12, 1), WATCH.lo(), WATCH.hi(),
                WATCH.maxGap());
        var pa1 = prover.submit(a1.request());
        var pa2 = prover.submit(a2.request());
        var pb1 = prover.submit(b1.request());
        EvidenceBundleBuilder builder = new EvidenceBundleBuilder(CHAIN, 7, List.of("cold-room-a", "cold-room-b"), WATCH);
        for (Signed s : List.of(a, b)) {
            byte[] spki = s.key().verificationKey().spki();
            builder.device(s.device(), spki, MessageDigest.getInstance("SHA-256").digest(spki), s.messages());
        }
        long anchorTime = T0 / 1000 + 13 * 60 + 20;
        String id1 = builder.runClaim(a.keys().subList(0, 7), WATCH.lo(), WATCH.hi(), WATCH.maxGap(),
                proofJson(pa1.get()), tx("anchor a1", 101, anchorTime));
        String id2 = builder.runClaim(a.keys().subList(7, 14), WATCH.lo(), WATCH.hi(), WATCH.maxGap(),
                proofJson(pa2.get()), tx("anchor a2", 102, anchorTime + 1));
        String id3 = builder.runClaim(b.keys(), WATCH.lo(), WATCH.hi(), WATCH.maxGap(), proofJson(pb1.get()),
                tx("anchor b1", 103, anchorTime + 2));
        builder.freeze(1, List.of(List.of(id1, id2), List.of(id3)), tx("freeze facility 7", 104, anchorTime + 3));
        return builder.toJson();
    }

    static String verification(ProverClient prover) throws Exception {
        long start = PERIOD.start() * 1000;
        // kiln-1: every 10 min from the start to 60 min, then 70, 80, an outage to 110, 120 and end + 5 min
        List<Long> t1 = new ArrayList<>(times(start, 10 * MINUTE, 9));
        t1.addAll(List.of(start + 110 * MINUTE, start + 120 * MINUTE, start + 125 * MINUTE));
        List<Long> v1 = new ArrayList<>();
        for (int i = 0; i < t1.size(); i++) {
            v1.add(5_000_000L + (t1.get(i) - start) / MINUTE * 100);
        }
        List<Long> t2 = times(start + 5 * MINUTE, 10 * MINUTE, 11);
        List<Long> v2 = t2.stream().map(t -> 7_000_000L + (t - start) / MINUTE * 80).toList();
        Signed k1 = sign("kiln-1", SignatureAlgorithm.ES256, 1, 1, t1, Quantity.CO2E_REGISTER,
                v1.stream().map(Long::doubleValue).toList());
        Signed k2 = sign("kiln-2", SignatureAlgorithm.EDDSA, 2, 1, t2, Quantity.CO2E_REGISTER,
                v2.stream().map(Long::doubleValue).toList());
        EmissionsClaimWitness c1 = EmissionsClaimWitness.of(committed(k1, t1, v1, 0, 7, 4), PERIOD.maxGap());
        EmissionsClaimWitness c2 = EmissionsClaimWitness.of(committed(k1, t1, v1, 6, t1.size(), 4), PERIOD.maxGap());
        EmissionsClaimWitness c3 = EmissionsClaimWitness.of(committed(k2, t2, v2, 0, t2.size(), 4), PERIOD.maxGap());
        var p1 = prover.submit(c1.request());
        var p2 = prover.submit(c2.request());
        var p3 = prover.submit(c3.request());
        VerificationBundleBuilder builder = new VerificationBundleBuilder(CHAIN, 3, 1, PERIOD);
        long closeTime = PERIOD.end() + 1200;
        builder.emissionsClaim(c1.claim(), proofJson(p1.get()), tx("anchor kiln-1 #1", 201, PERIOD.start() + 3700));
        builder.emissionsClaim(c2.claim(), proofJson(p2.get()), tx("anchor kiln-1 #2", 202, closeTime - 60));
        builder.emissionsClaim(c3.claim(), proofJson(p3.get()), tx("anchor kiln-2 #1", 203, closeTime - 30));
        builder.closed(tx("close 3/1", 204, closeTime)).minted(tx("mint 3/1", 305, closeTime + 604_800));
        return builder.toJson();
    }

    private static String proofJson(ProofResult result) {
        return result.proofJson();
    }
}
