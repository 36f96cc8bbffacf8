package io.sensorproof.zk.groth16.prover;

import io.sensorproof.zk.bn254.Fp;
import io.sensorproof.zk.bn254.Fp2;
import io.sensorproof.zk.bn254.G1Point;
import io.sensorproof.zk.bn254.G2Point;
import io.sensorproof.zk.bn254.Scalar;
import io.sensorproof.zk.groth16.G1Coordinates;
import io.sensorproof.zk.groth16.G2Coordinates;
import io.sensorproof.zk.groth16.Groth16Verifier;
import io.sensorproof.zk.groth16.VerificationException;
import io.sensorproof.zk.groth16.VerificationKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;

/**
 * A snarkjs Groth16 {@code .zkey} (BN254), read once and reused for any number of proofs.
 *
 * <p>Layout (iden3 binary container, magic {@code zkey}, version 1): section 1 the protocol
 * (1 = Groth16); 2 the header: n8q, q, n8r, r, nVars, nPublic, domainSize, α₁, β₁, β₂, γ₂, δ₁,
 * δ₂; 3 IC (nPublic + 1 G1 points); 4 the A and B coefficients (count, then matrix, constraint,
 * signal as uint32 and the value); 5 A (nVars G1); 6 B₁ (nVars G1); 7 B₂ (nVars G2); 8 C
 * (nVars − nPublic − 1 G1); 9 H (domainSize G1); 10 the contributions (not needed to prove).
 * Points are affine with coordinates in Montgomery form (x·2²⁵⁶ mod p), little-endian, G2 as
 * x.c0, x.c1, y.c0, y.c1; all-zero is the point at infinity. Coefficient values are stored as
 * c·2⁵¹² mod r, so that a Montgomery product with a canonical witness value yields the
 * Montgomery form of c·w — the prover uses them exactly like that.
 *
 * <p>Every point is range- and curve-checked when read. Bulk G2 points (section 7) are not
 * subgroup-checked (a 63-bit multiplication each); the verification key's are, and every
 * proof passes the Java verifier (which checks B ∈ G2) before it leaves the prover.
 */
public final class ProvingKey {
    private static final BigInteger Q = Fp.MODULUS;
    private static final BigInteger R = Scalar.ORDER;
    private static final int MAX_LOG_DOMAIN = 28;

    final int nVars;
    final int nPublic;
    final int domainSize;
    final int logDomain;
    final G1Point alpha1;
    final G1Point beta1;
    final G2Point beta2;
    final G2Point gamma2;
    final G1Point delta1;
    final G2Point delta2;
    final G1Point[] ic;
    final int[] coefMatrix;
    final int[] coefConstraint;
    final int[] coefSignal;
    final Fr[] coefValue;
    final G1Point[] pointsA;
    final G1Point[] pointsB1;
    final G2Point[] pointsB2;
    final G1Point[] pointsC;
    final G1Point[] pointsH;
    private final VerificationKey verificationKey;
    private final Groth16Verifier verifier;
    /** The fixed-base tables of the five MSMs, null until built (ADR 045, 2026-12-05). */
    private volatile FixedBaseTables tables;
    private final java.util.concurrent.atomic.AtomicBoolean tablesStarted = new java.util.concurrent.atomic.AtomicBoolean();

    /** Fixed-base tables of the MSMs A, B₁, B₂, C and H ({@link FixedBaseTable}). */
    record FixedBaseTables(FixedBaseTable<G1Point> a, FixedBaseTable<G1Point> b1, FixedBaseTable<G2Point> b2, FixedBaseTable<G1Point> c,
            FixedBaseTable<G1Point> h) {
        long coordinateBytes() {
            return a.coordinateBytes() + b1.coordinateBytes() + b2.coordinateBytes() + c.coordinateBytes() + h.coordinateBytes();
        }
    }

    private ProvingKey(BinFile file) {
        BinFile.Reader protocol = file.section(1);
        long protocolId = protocol.u32();
        if (protocolId != 1) {
            throw new ProverFailure(ProverErrorCode.UNSUPPORTED_PROTOCOL, "zkey protocol " + protocolId + " is not Groth16 (1)");
        }
        BinFile.Reader h = file.section(2);
        long n8q = h.u32();
        if (n8q != 32) {
            throw new ProverFailure(ProverErrorCode.WRONG_CURVE, "base field elements of " + n8q + " bytes; BN254 has 32");
        }
        BigInteger q = h.bigInteger(32);
        long n8r = h.u32();
        if (n8r != 32) {
            throw new ProverFailure(ProverErrorCode.WRONG_CURVE, "scalar field elements of " + n8r + " bytes; BN254 has 32");
        }
        BigInteger r = h.bigInteger(32);
        if (!q.equals(Q) || !r.equals(R)) {
            throw new ProverFailure(ProverErrorCode.WRONG_CURVE, "zkey is for q = 0x" + q.toString(16) + ", r = 0x" + r.toString(16)
                    + ", not BN254");
        }
        nVars = toInt(h.u32(), "nVars");
        nPublic = toInt(h.u32(), "nPublic");
        domainSize = toInt(h.u32(), "domainSize");
        if (nVars < 1 || nPublic >= nVars) {
            throw new ProverFailure(ProverErrorCode.MALFORMED_FILE, "nVars " + nVars + " and nPublic " + nPublic + " are inconsistent");
        }
        if (domainSize < 2 || Integer.bitCount(domainSize) != 1 || Integer.numberOfTrailingZeros(domainSize) > MAX_LOG_DOMAIN - 1) {
            throw new ProverFailure(ProverErrorCode.BAD_DOMAIN, "domain size " + domainSize + " is not a power of two in [2, 2²⁷]");
        }
        logDomain = Integer.numberOfTrailingZeros(domainSize);
        long[] limbs = new long[8];
        alpha1 = g1(h, limbs, "alpha_1");
        beta1 = g1(h, limbs, "beta_1");
        beta2 = g2(h, limbs, "beta_2");
        gamma2 = g2(h, limbs, "gamma_2");
        delta1 = g1(h, limbs, "delta_1");
        delta2 = g2(h, limbs, "delta_2");

        ic = g1Section(file, 3, nPublic + 1, "IC");
        BinFile.Reader coefs = file.section(4);
        int nCoef = toInt(coefs.u32(), "nCoef");
        if (coefs.size() != 4 + (long) nCoef * (12 + 32)) {
            throw new ProverFailure(ProverErrorCode.SECTION_SIZE_MISMATCH, "coefficient section announces " + nCoef + " coefficients, holds "
                    + coefs.size() + " bytes");
        }
        coefMatrix = new int[nCoef];
        coefConstraint = new int[nCoef];
        coefSignal = new int[nCoef];
        coefValue = new Fr[nCoef];
        for (int i = 0; i < nCoef; i++) {
            long m = coefs.u32();
            long c = coefs.u32();
            long s = coefs.u32();
            if (m > 1 || c >= domainSize || s >= nVars) {
                throw new ProverFailure(ProverErrorCode.BAD_COEFFICIENT, "coefficient " + i + " (matrix " + m + ", constraint " + c + ", signal "
                        + s + ") is outside matrices A/B, the domain of " + domainSize + " or the " + nVars + " signals");
            }
            coefs.limbs(limbs, 0, 4);
            if (!Fr.isCanonical(limbs[0], limbs[1], limbs[2], limbs[3])) {
                throw new ProverFailure(ProverErrorCode.VALUE_OUT_OF_RANGE, "coefficient " + i + " is not below r");
            }
            coefMatrix[i] = (int) m;
            coefConstraint[i] = (int) c;
            coefSignal[i] = (int) s;
            coefValue[i] = Fr.ofMontgomeryLimbs(limbs[0], limbs[1], limbs[2], limbs[3]);
        }
        pointsA = g1Section(file, 5, nVars, "A");
        pointsB1 = g1Section(file, 6, nVars, "B1");
        pointsB2 = g2Section(file, 7, nVars, "B2");
        pointsC = g1Section(file, 8, nVars - nPublic - 1, "C");
        pointsH = g1Section(file, 9, domainSize, "H");

        List<G1Coordinates> abc = new ArrayList<>();
        for (G1Point p : ic) {
            abc.add(coordinates(p));
        }
        verificationKey = new VerificationKey(coordinates(alpha1), coordinates(beta2), coordinates(gamma2), coordinates(delta2), abc);
        try {
            verifier = new Groth16Verifier(verificationKey);
        } catch (VerificationException e) {
            throw new ProverFailure(ProverErrorCode.INVALID_POINT, "verification key of the zkey: " + e.getMessage(), e);
        }
    }

    /** Parses and validates a zkey held in memory. */
    public static ProvingKey read(byte[] zkey) {
        return new ProvingKey(BinFile.parse(zkey, "zkey", 1));
    }

    public static ProvingKey read(Path zkey) {
        try {
            return read(Files.readAllBytes(zkey));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Builds the fixed-base tables of this key's MSMs now, on the given pool's threads (null: the calling thread), if
     * not built yet; proofs use them from then on. One-time cost per key: about c·W doublings per base (seconds for
     * the claim keys); memory: 20 affine points per base for the claim keys, 64 bytes each in G1 and 128 in G2
     * ({@link #fixedBaseTableBytes()}: 99 MB for excursion, 190 MB for emissions).
     */
    public void precompute(ForkJoinPool pool) {
        if (tables == null) {
            synchronized (this) {
                if (tables == null) {
                    tablesStarted.set(true);
                    tables = new FixedBaseTables(FixedBaseTable.g1(pointsA, pool), FixedBaseTable.g1(pointsB1, pool),
                            FixedBaseTable.g2(pointsB2, pool), FixedBaseTable.g1(pointsC, pool), FixedBaseTable.g1(pointsH, pool));
                }
            }
        }
    }

    /** Heap the fixed-base tables will take (their limb arrays). */
    public long estimatedTableBytes() {
        return FixedBaseTable.estimatedBytes(pointsA.length, false) + FixedBaseTable.estimatedBytes(pointsB1.length, false)
                + FixedBaseTable.estimatedBytes(pointsB2.length, true) + FixedBaseTable.estimatedBytes(pointsC.length, false)
                + FixedBaseTable.estimatedBytes(pointsH.length, false);
    }

    /** Bytes of the fixed-base tables' coordinates (0 until built). */
    public long fixedBaseTableBytes() {
        FixedBaseTables t = tables;
        return t == null ? 0 : t.coordinateBytes();
    }

    /**
     * The tables if built; otherwise starts building them once on a background daemon thread and returns null (the
     * proof then uses the per-window MSM), so that the first proofs after loading a key are not delayed.
     */
    FixedBaseTables fixedBaseTablesOrStart() {
        FixedBaseTables t = tables;
        if (t == null && tablesStarted.compareAndSet(false, true)) {
            // only if the tables take at most a third of the heap still free (the gateway runs with -Xmx1g: both claim
            // keys' tables fit; its test JVMs with 384 MB: none): otherwise the proofs keep the per-window MSM
            Runtime runtime = Runtime.getRuntime();
            long free = runtime.maxMemory() - (runtime.totalMemory() - runtime.freeMemory());
            if (estimatedTableBytes() > free / 3) {
                return null;
            }
            Thread builder = new Thread(() -> {
                try {
                    precompute(null);
                } catch (OutOfMemoryError e) {
                    // the heap filled up meanwhile: no tables, the per-window MSM stays
                }
            }, "zkey-fixed-base-tables");
            builder.setDaemon(true);
            builder.setPriority(Thread.MIN_PRIORITY);
            builder.start();
        }
        return t;
    }

    public int nVars() {
        return nVars;
    }

    public int nPublic() {
        return nPublic;
    }

    public int domainSize() {
        return domainSize;
    }

    public int coefficientCount() {
        return coefValue.length;
    }

    /** The verification key in ZoKrates form (γ_abc = IC), what {@link Groth16Verifier} and ProverClient use. */
    public VerificationKey verificationKey() {
        return verificationKey;
    }

    public Groth16Verifier verifier() {
        return verifier;
    }

    private static int toInt(long v, String what) {
        if (v > Integer.MAX_VALUE - 8) {
            throw new ProverFailure(ProverErrorCode.MALFORMED_FILE, what + " " + v + " is too large");
        }
        return (int) v;
    }

    static G1Coordinates coordinates(G1Point p) {
        return p.infinity() ? new G1Coordinates(BigInteger.ZERO, BigInteger.ZERO)
                : new G1Coordinates(p.x().toBigInteger(), p.y().toBigInteger());
    }

    static G2Coordinates coordinates(G2Point p) {
        return p.infinity() ? new G2Coordinates(BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO)
                : new G2Coordinates(p.x().c0().toBigInteger(), p.x().c1().toBigInteger(), p.y().c0().toBigInteger(),
                        p.y().c1().toBigInteger());
    }

    private static G1Point[] g1Section(BinFile file, int type, int count, String name) {
        BinFile.Reader reader = file.section(type);
        if (reader.size() != (long) count * 64) {
            throw new ProverFailure(ProverErrorCode.SECTION_SIZE_MISMATCH, "section " + type + " (" + name + ") should hold " + count
                    + " G1 points (" + (long) count * 64 + " bytes), holds " + reader.size());
        }
        G1Point[] points = new G1Point[count];
        long[] limbs = new long[8];
        for (int i = 0; i < count; i++) {
            points[i] = g1(reader, limbs, name + "[" + i + "]");
        }
        return points;
    }

    private static G2Point[] g2Section(BinFile file, int type, int count, String name) {
        BinFile.Reader reader = file.section(type);
        if (reader.size() != (long) count * 128) {
            throw new ProverFailure(ProverErrorCode.SECTION_SIZE_MISMATCH, "section " + type + " (" + name + ") should hold " + count
                    + " G2 points (" + (long) count * 128 + " bytes), holds " + reader.size());
        }
        G2Point[] points = new G2Point[count];
        long[] limbs = new long[8];
        for (int i = 0; i < count; i++) {
            points[i] = g2(reader, limbs, name + "[" + i + "]");
        }
        return points;
    }

    private static G1Point g1(BinFile.Reader reader, long[] limbs, String name) {
        reader.limbs(limbs, 0, 8);
        if (allZero(limbs, 8)) {
            return G1Point.INFINITY;
        }
        G1Point p = G1Point.of(fp(limbs, 0, name), fp(limbs, 4, name));
        if (!p.isOnCurve()) {
            throw new ProverFailure(ProverErrorCode.INVALID_POINT, name + " is not on the curve y² = x³ + 3");
        }
        return p;
    }

    private static G2Point g2(BinFile.Reader reader, long[] limbs, String name) {
        long[] y = new long[8];
        reader.limbs(limbs, 0, 8);
        reader.limbs(y, 0, 8);
        if (allZero(limbs, 8) && allZero(y, 8)) {
            return G2Point.INFINITY;
        }
        G2Point p = G2Point.of(new Fp2(fp(limbs, 0, name), fp(limbs, 4, name)), new Fp2(fp(y, 0, name), fp(y, 4, name)));
        if (!p.isOnCurve()) {
            throw new ProverFailure(ProverErrorCode.INVALID_POINT, name + " is not on the twist");
        }
        return p;
    }

    private static boolean allZero(long[] limbs, int n) {
        long or = 0;
        for (int i = 0; i < n; i++) {
            or |= limbs[i];
        }
        return or == 0;
    }

    /** A Montgomery-form coordinate below p, taken as is (our Fp uses the same 2²⁵⁶ Montgomery radix). */
    private static Fp fp(long[] limbs, int offset, String name) {
        if (!BaseField.isCanonical(limbs[offset], limbs[offset + 1], limbs[offset + 2], limbs[offset + 3])) {
            throw new ProverFailure(ProverErrorCode.VALUE_OUT_OF_RANGE, name + " has a coordinate not below p");
        }
        return new Fp(limbs[offset], limbs[offset + 1], limbs[offset + 2], limbs[offset + 3]);
    }

    /** The limbs of p, for the range check of Montgomery coordinates. */
    static final class BaseField {
        private static final long P0 = 0x3c208c16d87cfd47L;
        private static final long P1 = 0x97816a916871ca8dL;
        private static final long P2 = 0xb85045b68181585dL;
        private static final long P3 = 0x30644e72e131a029L;

        private BaseField() {
        }

        static boolean isCanonical(long l0, long l1, long l2, long l3) {
            if (l3 != P3) {
                return Long.compareUnsigned(l3, P3) < 0;
            }
            if (l2 != P2) {
                return Long.compareUnsigned(l2, P2) < 0;
            }
            if (l1 != P1) {
                return Long.compareUnsigned(l1, P1) < 0;
            }
            return Long.compareUnsigned(l0, P0) < 0;
        }
    }
}
