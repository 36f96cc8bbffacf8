package io.sensorproof.zk.setup;

import static io.sensorproof.zk.setup.R1csWriter.t;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.zk.bn254.Fp;
import io.sensorproof.zk.bn254.G1Point;
import io.sensorproof.zk.bn254.G2Point;
import io.sensorproof.zk.bn254.Scalar;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.crypto.digests.Blake2bDigest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The development {@code .zkey} of a hand-written 4-constraint circuit against an independent
 * computation: Lagrange values by the plain inverse DFT of τ's powers (no closed form), signal
 * polynomials summed term by term from the test's own constraint list, every point a double-and-add
 * product, the coefficients section and the circuit hash rebuilt from the format description. The
 * circuit has an unused private signal (points at infinity) and a negative coefficient; its domain
 * is 2³, checked with a powers of tau of that size (H from section 12's extra domain) and of 2⁴.
 * DevZkeyIT compares with snarkjs {@code zkey new} byte for byte.
 */
class DevZkeyTest {
    private static final BigInteger R = Scalar.ORDER;
    private static final PowersOfTau.Secrets SECRETS = PowersOfTau.Secrets.fromSeed("dev-zkey-unit");
    /** (2²⁵⁶ mod r)² mod r. */
    private static final BigInteger R2 = BigInteger.ONE.shiftLeft(256).mod(R).pow(2).mod(R);

    @TempDir
    static Path dir;
    static Path ptau3;
    static Path ptau4;

    /** Wires: 0 one, 1 output, 2 public input, 3 and 4 private, 5 private and unused. */
    static R1csWriter circuit() {
        return new R1csWriter(6, 1, 1, 3)
                .constraint(List.of(t(2, 1), t(0, 3)), List.of(t(3, 1)), List.of(t(4, 1)))
                .constraint(List.of(t(4, 1)), List.of(t(4, 1), t(0, -1)), List.of())
                .constraint(List.of(t(3, 1)), List.of(t(0, 1)), List.of(t(1, 5)))
                .constraint(List.of(t(2, 1)), List.of(t(2, 1)), List.of(t(3, 1), t(0, 7)));
    }

    @BeforeAll
    static void powersOfTau() throws Exception {
        ptau3 = dir.resolve("pot3.ptau");
        ptau4 = dir.resolve("pot4.ptau");
        new PowersOfTau(3, SECRETS, 2).write(ptau3, true);
        new PowersOfTau(4, SECRETS, 2).write(ptau4, true);
    }

    private static Path r1cs(R1csWriter writer, String name) throws Exception {
        Path file = dir.resolve(name + ".r1cs");
        Files.write(file, writer.bytes());
        return file;
    }

    // ---- the independent reference ----

    /** L_i(x) on the domain 2^k as (1/N)·Σ_j ω^(−ij)·x^j, j < N, or j < N − 1 without the last power. */
    static BigInteger[] lagrangeByDft(BigInteger x, int k, boolean withoutLastPower) {
        int n = 1 << k;
        BigInteger omegaInverse = ScalarField.rootOfUnity(k).modInverse(R);
        BigInteger nInverse = BigInteger.valueOf(n).modInverse(R);
        BigInteger[] result = new BigInteger[n];
        for (int i = 0; i < n; i++) {
            BigInteger sum = BigInteger.ZERO;
            for (int j = 0; j < (withoutLastPower ? n - 1 : n); j++) {
                sum = sum.add(omegaInverse.modPow(BigInteger.valueOf((long) i * j), R).multiply(x.modPow(BigInteger.valueOf(j), R)));
            }
            result[i] = sum.multiply(nInverse).mod(R);
        }
        return result;
    }

    private static G1Point g1(BigInteger k) {
        return PowersOfTau.G1.mul(Scalar.of(k.mod(R)));
    }

    private static G2Point g2(BigInteger k) {
        return PowersOfTau.G2.mul(Scalar.of(k.mod(R)));
    }

    private static void lem(Fp v, ByteBuffer out) {
        out.putLong(v.l0()).putLong(v.l1()).putLong(v.l2()).putLong(v.l3());
    }

    static byte[] lem(G1Point p) {
        ByteBuffer out = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        if (!p.infinity()) {
            lem(p.x(), out);
            lem(p.y(), out);
        }
        return out.array();
    }

    static byte[] lem(G2Point p) {
        ByteBuffer out = ByteBuffer.allocate(128).order(ByteOrder.LITTLE_ENDIAN);
        if (!p.infinity()) {
            for (Fp v : List.of(p.x().c0(), p.x().c1(), p.y().c0(), p.y().c1())) {
                lem(v, out);
            }
        }
        return out.array();
    }

    private static byte[] be32(BigInteger v) {
        byte[] out = new byte[32];
        WasmG1.bigEndian(v, out, 0);
        return out;
    }

    static byte[] uncompressed(G1Point p) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (p.infinity()) {
            return new byte[64];
        }
        out.writeBytes(be32(p.x().toBigInteger()));
        out.writeBytes(be32(p.y().toBigInteger()));
        return out.toByteArray();
    }

    static byte[] uncompressed(G2Point p) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (p.infinity()) {
            return new byte[128];
        }
        for (Fp v : List.of(p.x().c1(), p.x().c0(), p.y().c1(), p.y().c0())) {
            out.writeBytes(be32(v.toBigInteger()));
        }
        return out.toByteArray();
    }

    /** Everything the zkey should hold, computed from the constraint list and the secrets. */
    record Expected(int domainPower, BigInteger[] a, BigInteger[] b, BigInteger[] ic, BigInteger[] c, BigInteger[] h,
            byte[] coefficients, byte[] circuitHash) {
    }

    static Expected expected(R1csWriter circuit, int ptauPower) {
        int m = circuit.constraints.size();
        int nPublic = circuit.nOutputs + circuit.nPubInputs;
        int k = 1;
        while ((1 << k) < m + nPublic + 1) {
            k++;
        }
        int n = 1 << k;
        BigInteger tau = SECRETS.tau();
        BigInteger[] lagrange = lagrangeByDft(tau, k, false);
        BigInteger[] a = zeros(circuit.nVars);
        BigInteger[] b = zeros(circuit.nVars);
        BigInteger[] cc = zeros(circuit.nVars);
        ByteArrayOutputStream coefficients = new ByteArrayOutputStream();
        int count = 0;
        for (int row = 0; row < m; row++) {
            R1csWriter.Constraint constraint = circuit.constraints.get(row);
            for (R1csWriter.Term term : constraint.a()) {
                a[term.signal()] = a[term.signal()].add(term.coefficient().multiply(lagrange[row])).mod(R);
                coefficients.writeBytes(entry(0, row, term.signal(), term.coefficient()));
                count++;
            }
            for (R1csWriter.Term term : constraint.b()) {
                b[term.signal()] = b[term.signal()].add(term.coefficient().multiply(lagrange[row])).mod(R);
                coefficients.writeBytes(entry(1, row, term.signal(), term.coefficient()));
                count++;
            }
            for (R1csWriter.Term term : constraint.c()) {
                cc[term.signal()] = cc[term.signal()].add(term.coefficient().multiply(lagrange[row])).mod(R);
            }
        }
        for (int s = 0; s <= nPublic; s++) {
            a[s] = a[s].add(lagrange[m + s]).mod(R);
            coefficients.writeBytes(entry(0, m + s, s, BigInteger.ONE));
            count++;
        }
        byte[] section4 = ByteBuffer.allocate(4 + coefficients.size()).order(ByteOrder.LITTLE_ENDIAN).putInt(count)
                .put(coefficients.toByteArray()).array();
        BigInteger[] ic = new BigInteger[nPublic + 1];
        BigInteger[] c = new BigInteger[circuit.nVars - nPublic - 1];
        for (int s = 0; s < circuit.nVars; s++) {
            BigInteger v = SECRETS.beta().multiply(a[s]).add(SECRETS.alpha().multiply(b[s])).add(cc[s]).mod(R);
            if (s <= nPublic) {
                ic[s] = v;
            } else {
                c[s - nPublic - 1] = v;
            }
        }
        BigInteger[] twice = lagrangeByDft(tau, k + 1, k == ptauPower);
        BigInteger[] h = new BigInteger[n];
        for (int i = 0; i < n; i++) {
            h[i] = twice[2 * i + 1];
        }

        Blake2bDigest hash = new Blake2bDigest(512);
        update(hash, uncompressed(g1(SECRETS.alpha())));
        update(hash, uncompressed(g1(SECRETS.beta())));
        update(hash, uncompressed(g2(SECRETS.beta())));
        update(hash, uncompressed(PowersOfTau.G2));
        update(hash, uncompressed(PowersOfTau.G1));
        update(hash, uncompressed(PowersOfTau.G2));
        hashG1(hash, ic);
        update(hash, ByteBuffer.allocate(4).putInt(n - 1).array());
        for (int i = 0; i < n - 1; i++) {
            update(hash, uncompressed(g1(tau.modPow(BigInteger.valueOf(i + n), R)).add(g1(tau.modPow(BigInteger.valueOf(i), R)).neg())));
        }
        hashG1(hash, c);
        hashG1(hash, a);
        hashG1(hash, b);
        update(hash, ByteBuffer.allocate(4).putInt(b.length).array());
        for (BigInteger v : b) {
            update(hash, uncompressed(g2(v)));
        }
        byte[] digest = new byte[64];
        hash.doFinal(digest, 0);
        return new Expected(k, a, b, ic, c, h, section4, digest);
    }

    private static byte[] entry(int matrix, int row, int signal, BigInteger coefficient) {
        return ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN).putInt(matrix).putInt(row).putInt(signal)
                .put(R1csWriter.le32(coefficient.multiply(R2).mod(R))).array();
    }

    private static void hashG1(Blake2bDigest hash, BigInteger[] scalars) {
        update(hash, ByteBuffer.allocate(4).putInt(scalars.length).array());
        for (BigInteger v : scalars) {
            update(hash, uncompressed(g1(v)));
        }
    }

    private static void update(Blake2bDigest hash, byte[] bytes) {
        hash.update(bytes, 0, bytes.length);
    }

    private static BigInteger[] zeros(int n) {
        BigInteger[] result = new BigInteger[n];
        Arrays.fill(result, BigInteger.ZERO);
        return result;
    }

    /** The sections of a zkey in file order. */
    static Map<Integer, byte[]> sections(Path zkey) throws Exception {
        ByteBuffer buffer = ByteBuffer.wrap(Files.readAllBytes(zkey)).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[4];
        buffer.get(magic);
        assertThat(new String(magic, StandardCharsets.US_ASCII)).isEqualTo("zkey");
        assertThat(buffer.getInt()).isEqualTo(1);
        assertThat(buffer.getInt()).isEqualTo(10);
        Map<Integer, byte[]> sections = new LinkedHashMap<>();
        while (buffer.hasRemaining()) {
            int id = buffer.getInt();
            byte[] content = new byte[Math.toIntExact(buffer.getLong())];
            buffer.get(content);
            assertThat(sections.put(id, content)).as("section %d once", id).isNull();
        }
        return sections;
    }

    private static byte[] concatG1(BigInteger[] scalars) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (BigInteger v : scalars) {
            out.writeBytes(lem(g1(v)));
        }
        return out.toByteArray();
    }

    private static byte[] concatG2(BigInteger[] scalars) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (BigInteger v : scalars) {
            out.writeBytes(lem(g2(v)));
        }
        return out.toByteArray();
    }

    private void checkAgainstReference(DevZkey devZkey, Path ptau, int ptauPower) throws Exception {
        R1csWriter circuit = circuit();
        Path zkey = dir.resolve("circuit-" + ptauPower + ".zkey");
        DevZkey.Result result = devZkey.write(r1cs(circuit, "circuit"), ptau, zkey);
        Expected expected = expected(circuit, ptauPower);
        assertThat(result.domainPower()).isEqualTo(expected.domainPower()).isEqualTo(3);
        assertThat(result.circuitHash()).isEqualTo(expected.circuitHash());

        Map<Integer, byte[]> sections = sections(zkey);
        assertThat(sections.keySet()).containsExactly(1, 2, 4, 3, 9, 8, 5, 6, 7, 10);
        assertThat(sections.get(1)).isEqualTo(new byte[] {1, 0, 0, 0});

        ByteBuffer header = ByteBuffer.wrap(sections.get(2)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(header.getInt()).isEqualTo(32);
        byte[] q = new byte[32];
        header.get(q);
        assertThat(q).isEqualTo(R1csWriter.le32(Fp.MODULUS));
        assertThat(header.getInt()).isEqualTo(32);
        byte[] r = new byte[32];
        header.get(r);
        assertThat(r).isEqualTo(R1csWriter.le32(R));
        assertThat(header.getInt()).as("nVars").isEqualTo(6);
        assertThat(header.getInt()).as("nPublic").isEqualTo(2);
        assertThat(header.getInt()).as("domain size").isEqualTo(8);
        ByteArrayOutputStream points = new ByteArrayOutputStream();
        points.writeBytes(lem(g1(SECRETS.alpha())));
        points.writeBytes(lem(g1(SECRETS.beta())));
        points.writeBytes(lem(g2(SECRETS.beta())));
        points.writeBytes(lem(PowersOfTau.G2));
        points.writeBytes(lem(PowersOfTau.G1));
        points.writeBytes(lem(PowersOfTau.G2));
        byte[] rest = new byte[header.remaining()];
        header.get(rest);
        assertThat(rest).isEqualTo(points.toByteArray());

        assertThat(sections.get(4)).as("coefficients").isEqualTo(expected.coefficients());
        assertThat(sections.get(3)).as("IC").isEqualTo(concatG1(expected.ic()));
        assertThat(sections.get(9)).as("H").isEqualTo(concatG1(expected.h()));
        assertThat(sections.get(8)).as("C").isEqualTo(concatG1(expected.c()));
        assertThat(sections.get(5)).as("A").isEqualTo(concatG1(expected.a()));
        assertThat(sections.get(6)).as("B1").isEqualTo(concatG1(expected.b()));
        assertThat(sections.get(7)).as("B2").isEqualTo(concatG2(expected.b()));
        assertThat(sections.get(10)).as("circuit hash, no contributions").isEqualTo(
                ByteBuffer.allocate(68).put(expected.circuitHash()).putInt(0).array());
        // the unused private signal 5: A, B1, B2 and C at infinity
        assertThat(Arrays.copyOfRange(sections.get(5), 5 * 64, 6 * 64)).isEqualTo(new byte[64]);
        assertThat(Arrays.copyOfRange(sections.get(7), 5 * 128, 6 * 128)).isEqualTo(new byte[128]);
        assertThat(Arrays.copyOfRange(sections.get(8), 2 * 64, 3 * 64)).isEqualTo(new byte[64]);
    }

    @Test
    void sectionsEqualTheReferenceWithAPowersOfTauOfTheCircuitsOwnSize() throws Exception {
        checkAgainstReference(new DevZkey(SECRETS, 2), ptau3, 3);
    }

    @Test
    void sectionsEqualTheReferenceWithALargerPowersOfTau() throws Exception {
        checkAgainstReference(new DevZkey(SECRETS, 2), ptau4, 4);
    }

    @Test
    void tasksOfAFewPointsOnSeveralThreadsGiveTheSameFile() throws Exception {
        // chunks of 3 scalars: every section is split over several tasks and threads, as the claim circuits' are
        checkAgainstReference(new DevZkey(SECRETS, 3, 3), ptau4, 4);
        Path r1cs = r1cs(circuit(), "threads");
        Path one = dir.resolve("one-task.zkey");
        Path many = dir.resolve("many-tasks.zkey");
        new DevZkey(SECRETS, 1).write(r1cs, ptau4, one);
        new DevZkey(SECRETS, 3, 2).write(r1cs, ptau4, many);
        assertThat(Files.mismatch(one, many)).isEqualTo(-1L);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(name -> name.endsWith(".partial"));
        }
    }

    @Test
    void domainAndHashedPointCountsFollowSnarkjs() {
        assertThat(DevZkey.domainPower(0, 0)).isEqualTo(1);
        assertThat(DevZkey.domainPower(1, 2)).isEqualTo(2);
        assertThat(DevZkey.domainPower(4, 2)).isEqualTo(3);
        assertThat(DevZkey.domainPower(6, 2)).isEqualTo(4);
        assertThat(DevZkey.domainPower(13_214, 3)).isEqualTo(14);
        assertThat(DevZkey.domainPower(24_737, 3)).isEqualTo(15);
        assertThat(DevZkey.hashedHPoints(8)).isEqualTo(7);
        assertThat(DevZkey.hashedHPoints(1 << 14)).isEqualTo((1 << 14) - 1);
        // snarkjs' last chunk is never shortened: one point too many from 2^15 on
        assertThat(DevZkey.hashedHPoints(1 << 15)).isEqualTo(1 << 15);
        assertThat(DevZkey.hashedHPoints(1 << 16)).isEqualTo(1 << 16);
    }

    private SetupErrorCode failure(byte[] r1cs, Path ptau) throws Exception {
        Path file = dir.resolve("bad.r1cs");
        Files.write(file, r1cs);
        Path out = dir.resolve("bad.zkey");
        try {
            new DevZkey(SECRETS, 1).write(file, ptau, out);
        } catch (SetupFailure e) {
            assertThat(out).doesNotExist();
            return e.code();
        }
        throw new AssertionError("accepted");
    }

    @Test
    void malformedCircuitsAreRefusedWithTypedErrors() throws Exception {
        R1csWriter magic = circuit();
        magic.magic = "r1cz";
        assertThat(failure(magic.bytes(), ptau4)).isEqualTo(SetupErrorCode.MALFORMED_FILE);
        byte[] good = circuit().bytes();
        assertThat(failure(Arrays.copyOf(good, good.length - 5), ptau4)).isEqualTo(SetupErrorCode.TRUNCATED);
        assertThat(failure(Arrays.copyOf(good, 10), ptau4)).isEqualTo(SetupErrorCode.TRUNCATED);
        R1csWriter prime = circuit();
        prime.prime = Fp.MODULUS;
        assertThat(failure(prime.bytes(), ptau4)).isEqualTo(SetupErrorCode.WRONG_FIELD);
        R1csWriter signal = circuit().constraint(List.of(t(6, 1)), List.of(t(0, 1)), List.of());
        assertThat(failure(signal.bytes(), ptau4)).isEqualTo(SetupErrorCode.BAD_SIGNAL);
        R1csWriter publics = circuit();
        publics.nPubInputs = 5;
        assertThat(failure(publics.bytes(), ptau4)).isEqualTo(SetupErrorCode.BAD_SIGNAL);
        R1csWriter coefficient = circuit().constraint(List.of(new R1csWriter.Term(1, R)), List.of(t(0, 1)), List.of());
        assertThat(failure(coefficient.bytes(), ptau4)).isEqualTo(SetupErrorCode.VALUE_OUT_OF_RANGE);
        // a term count the section cannot hold is refused before anything is allocated for it
        byte[] huge = circuit().bytes();
        int firstCount = 12 + 12 + 64 + 12;
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putInt(firstCount, Integer.MAX_VALUE);
        assertThat(failure(huge, ptau4)).isEqualTo(SetupErrorCode.TRUNCATED);
    }

    @Test
    void aPowersOfTauThatDoesNotFitIsRefused() throws Exception {
        Path small = dir.resolve("pot2.ptau");
        new PowersOfTau(2, SECRETS, 1).write(small, true);
        assertThat(failure(circuit().bytes(), small)).isEqualTo(SetupErrorCode.CIRCUIT_TOO_BIG);
        Path unprepared = dir.resolve("pot4-unprepared.ptau");
        new PowersOfTau(4, SECRETS, 1).write(unprepared, false);
        assertThat(failure(circuit().bytes(), unprepared)).isEqualTo(SetupErrorCode.PTAU_NOT_PREPARED);
        Path other = dir.resolve("pot4-other.ptau");
        new PowersOfTau(4, PowersOfTau.Secrets.fromSeed("another seed"), 1).write(other, true);
        assertThat(failure(circuit().bytes(), other)).isEqualTo(SetupErrorCode.SECRETS_MISMATCH);
        Path notPtau = dir.resolve("not.ptau");
        Files.write(notPtau, circuit().bytes());
        assertThat(failure(circuit().bytes(), notPtau)).isEqualTo(SetupErrorCode.MALFORMED_FILE);
    }

    @Test
    void theReferenceLagrangeValuesReproduceThePowers() {
        // Σ_i ω^(ij)·L_i(τ) = τ^j: the reference itself is the inverse DFT it claims to be
        BigInteger tau = SECRETS.tau();
        BigInteger[] l = lagrangeByDft(tau, 3, false);
        BigInteger omega = ScalarField.rootOfUnity(3);
        List<BigInteger> powers = new ArrayList<>();
        for (int j = 0; j < 8; j++) {
            BigInteger sum = BigInteger.ZERO;
            for (int i = 0; i < 8; i++) {
                sum = sum.add(omega.modPow(BigInteger.valueOf((long) i * j), R).multiply(l[i]));
            }
            powers.add(sum.mod(R));
        }
        assertThat(powers).containsExactly(ScalarField.powers(tau, 8));
    }
}
