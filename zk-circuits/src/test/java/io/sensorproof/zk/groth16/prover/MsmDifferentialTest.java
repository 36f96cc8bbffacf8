package io.sensorproof.zk.groth16.prover;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.zk.bn254.Fp2;
import io.sensorproof.zk.bn254.G1Jacobian;
import io.sensorproof.zk.bn254.G1Point;
import io.sensorproof.zk.bn254.G2Jacobian;
import io.sensorproof.zk.bn254.G2Point;
import io.sensorproof.zk.bn254.Scalar;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Pippenger against the plain sum of double-and-add products, on random and edge inputs. */
class MsmDifferentialTest {
    private static final BigInteger R = Scalar.ORDER;
    static final G1Point G1_GEN = G1Point.of(BigInteger.ONE, BigInteger.TWO);
    static final G2Point G2_GEN = G2Point.of(
            Fp2.of(new BigInteger("10857046999023057135944570762232829481370756359578518086990519993285655852781"),
                    new BigInteger("11559732032986387107991004021392285783925812861821192530917403151452391805634")),
            Fp2.of(new BigInteger("8495653923123431417604973247489272438418190587263600148770280649306958101930"),
                    new BigInteger("4082367875863433681332203403145435568316851327593401208105741076214120093531")));
    private static final ForkJoinPool POOL = new ForkJoinPool(2);

    @AfterAll
    static void stop() {
        POOL.shutdown();
    }

    /** Scalars: edge values first (0, 1, 2, r − 1, 2²⁵³, small), then random full-width and random small ones. */
    private static List<BigInteger> scalars(Random random, int n) {
        List<BigInteger> edges = List.of(BigInteger.ZERO, BigInteger.ONE, BigInteger.TWO, R.subtract(BigInteger.ONE),
                BigInteger.ONE.shiftLeft(253), BigInteger.valueOf(1000), BigInteger.ONE, BigInteger.ZERO);
        List<BigInteger> result = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (i < edges.size()) {
                result.add(edges.get(i));
            } else if (i % 3 == 0) {
                result.add(new BigInteger(1 + random.nextInt(20), random));
            } else {
                result.add(new BigInteger(256, random).mod(R));
            }
        }
        return result;
    }

    private static long[] limbs(List<BigInteger> scalars, int offset) {
        long[] limbs = new long[4 * (offset + scalars.size())];
        for (int i = 0; i < scalars.size(); i++) {
            for (int j = 0; j < 4; j++) {
                limbs[4 * (offset + i) + j] = scalars.get(i).shiftRight(64 * j).longValue();
            }
        }
        return limbs;
    }

    /** Bases: random multiples of the generator, with infinity, repeats and a point next to its negation. */
    private static <A> List<A> bases(Random random, int n, A generator, A infinity, java.util.function.BiFunction<A, BigInteger, A> mul,
            java.util.function.UnaryOperator<A> neg) {
        List<A> result = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (i == 3) {
                result.add(infinity);
            } else if (i == 5 || i == 9) {
                result.add(result.get(i - 1));
            } else if (i == 7) {
                result.add(neg.apply(result.get(6)));
            } else {
                result.add(mul.apply(generator, new BigInteger(250, random).add(BigInteger.ONE)));
            }
        }
        return result;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 9, 40, 300, 700})
    void g1MatchesTheSumOfProducts(int n) {
        Random random = new Random(1000 + n);
        List<G1Point> bases = bases(random, n, G1_GEN, G1Point.INFINITY, (p, k) -> p.mul(Scalar.of(k)), G1Point::neg);
        List<BigInteger> scalars = scalars(random, n);
        G1Point expected = G1Point.INFINITY;
        for (int i = 0; i < n; i++) {
            expected = expected.add(bases.get(i).mul(Scalar.of(scalars.get(i))));
        }
        int offset = n % 3;
        G1Point[] array = bases.toArray(new G1Point[0]);
        for (boolean batchAffine : new boolean[] {true, false}) {
            Msm.batchAffine = batchAffine;
            try {
                G1Jacobian single = Msm.msm(CurveOps.G1, array, limbs(scalars, offset), offset, null);
                G1Jacobian parallel = Msm.msm(CurveOps.G1, array, limbs(scalars, offset), offset, POOL);
                assertThat(single.toAffine()).as("batch affine " + batchAffine).isEqualTo(expected);
                assertThat(parallel.toAffine()).as("batch affine " + batchAffine).isEqualTo(expected);
            } finally {
                Msm.batchAffine = true;
            }
        }
    }

    /**
     * The fixed-base MSM (tables built on 1 and 2 threads; MSM on 1 and 2 threads, affine and Jacobian buckets)
     * against the plain sum. n = 300 gives c = 8, 32 windows and about 9,000 (point, window) pairs: split in two
     * ranges on the pool, so the ranges' sums are added too.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 9, 40, 300})
    void g1FixedBaseMatchesTheSumOfProducts(int n) {
        Random random = new Random(3000 + n);
        List<G1Point> bases = bases(random, n, G1_GEN, G1Point.INFINITY, (p, k) -> p.mul(Scalar.of(k)), G1Point::neg);
        List<BigInteger> scalars = scalars(random, n);
        G1Point expected = G1Point.INFINITY;
        for (int i = 0; i < n; i++) {
            expected = expected.add(bases.get(i).mul(Scalar.of(scalars.get(i))));
        }
        int offset = n % 3;
        G1Point[] array = bases.toArray(new G1Point[0]);
        for (ForkJoinPool tablePool : new ForkJoinPool[] {null, POOL}) {
            FixedBaseTable<G1Point> table = FixedBaseTable.g1(array, tablePool);
            for (boolean batchAffine : new boolean[] {true, false}) {
                Msm.batchAffine = batchAffine;
                try {
                    for (ForkJoinPool pool : new ForkJoinPool[] {null, POOL}) {
                        G1Jacobian sum = Msm.msmFixed(CurveOps.G1, array, table, limbs(scalars, offset), offset, pool);
                        assertThat(sum.toAffine()).as("batch affine " + batchAffine + ", pool " + pool).isEqualTo(expected);
                    }
                } finally {
                    Msm.batchAffine = true;
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 9, 130})
    void g2FixedBaseMatchesTheSumOfProducts(int n) {
        Random random = new Random(4000 + n);
        List<G2Point> bases = bases(random, n, G2_GEN, G2Point.INFINITY, (p, k) -> p.mul(Scalar.of(k)), G2Point::neg);
        List<BigInteger> scalars = scalars(random, n);
        G2Point expected = G2Point.INFINITY;
        for (int i = 0; i < n; i++) {
            expected = expected.add(bases.get(i).mul(Scalar.of(scalars.get(i))));
        }
        G2Point[] array = bases.toArray(new G2Point[0]);
        FixedBaseTable<G2Point> table = FixedBaseTable.g2(array, POOL);
        for (boolean batchAffine : new boolean[] {true, false}) {
            Msm.batchAffine = batchAffine;
            try {
                for (ForkJoinPool pool : new ForkJoinPool[] {null, POOL}) {
                    G2Jacobian sum = Msm.msmFixed(CurveOps.G2, array, table, limbs(scalars, 0), 0, pool);
                    assertThat(sum.toAffine()).as("batch affine " + batchAffine + ", pool " + pool).isEqualTo(expected);
                }
            } finally {
                Msm.batchAffine = true;
            }
        }
    }

    /** Entry i·W + w of a table is 2^{c·w}·Pᵢ, for every window, in G1 and G2 (an infinity base's entries are never read). */
    @org.junit.jupiter.api.Test
    void fixedBaseTablesHoldThePowersOfTwoOfTheWindows() {
        Random random = new Random(45);
        G1Point[] g1 = bases(random, 12, G1_GEN, G1Point.INFINITY, (p, k) -> p.mul(Scalar.of(k)), G1Point::neg).toArray(new G1Point[0]);
        G2Point[] g2 = bases(random, 5, G2_GEN, G2Point.INFINITY, (p, k) -> p.mul(Scalar.of(k)), G2Point::neg).toArray(new G2Point[0]);
        FixedBaseTable<G1Point> t1 = FixedBaseTable.g1(g1, null);
        FixedBaseTable<G2Point> t2 = FixedBaseTable.g2(g2, null);
        assertThat(t1.c).isEqualTo(3);
        assertThat(t1.windows).isEqualTo(254 / 3 + 1);
        assertThat(t1.complete && t2.complete).isTrue();
        for (int i = 0; i < g1.length; i++) {
            if (g1[i].infinity()) {
                continue;
            }
            for (int w = 0; w < t1.windows; w++) {
                assertThat(t1.point(i * t1.windows + w)).as("G1 point " + i + ", window " + w)
                        .isEqualTo(g1[i].mul(Scalar.of(BigInteger.ONE.shiftLeft(t1.c * w).mod(R))));
            }
        }
        for (int i = 0; i < g2.length; i++) {
            if (g2[i].infinity()) {
                continue;
            }
            for (int w = 0; w < t2.windows; w++) {
                assertThat(t2.point(i * t2.windows + w)).as("G2 point " + i + ", window " + w)
                        .isEqualTo(g2[i].mul(Scalar.of(BigInteger.ONE.shiftLeft(t2.c * w).mod(R))));
            }
        }
    }

    /** A scalar wider than the table's windows (not below r: 2²⁵⁵ + 5) takes the per-window MSM, with the same sum. */
    @org.junit.jupiter.api.Test
    void aScalarWiderThanTheTableFallsBackToThePerWindowMsm() {
        Random random = new Random(46);
        List<G1Point> bases = bases(random, 40, G1_GEN, G1Point.INFINITY, (p, k) -> p.mul(Scalar.of(k)), G1Point::neg);
        List<BigInteger> scalars = new ArrayList<>(scalars(random, 40));
        scalars.set(20, BigInteger.ONE.shiftLeft(255).add(BigInteger.valueOf(5)));
        G1Point expected = G1Point.INFINITY;
        for (int i = 0; i < bases.size(); i++) {
            expected = expected.add(bases.get(i).mul(Scalar.of(scalars.get(i).mod(R))));
        }
        G1Point[] array = bases.toArray(new G1Point[0]);
        FixedBaseTable<G1Point> table = FixedBaseTable.g1(array, null);
        assertThat(Msm.msmFixed(CurveOps.G1, array, table, limbs(scalars, 0), 0, POOL).toAffine()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 9, 40, 130})
    void g2MatchesTheSumOfProducts(int n) {
        Random random = new Random(2000 + n);
        List<G2Point> bases = bases(random, n, G2_GEN, G2Point.INFINITY, (p, k) -> p.mul(Scalar.of(k)), G2Point::neg);
        List<BigInteger> scalars = scalars(random, n);
        G2Point expected = G2Point.INFINITY;
        for (int i = 0; i < n; i++) {
            expected = expected.add(bases.get(i).mul(Scalar.of(scalars.get(i))));
        }
        G2Point[] array = bases.toArray(new G2Point[0]);
        for (boolean batchAffine : new boolean[] {true, false}) {
            Msm.batchAffine = batchAffine;
            try {
                G2Jacobian single = Msm.msm(CurveOps.G2, array, limbs(scalars, 0), 0, null);
                G2Jacobian parallel = Msm.msm(CurveOps.G2, array, limbs(scalars, 0), 0, POOL);
                assertThat(single.toAffine()).as("batch affine " + batchAffine).isEqualTo(expected);
                assertThat(parallel.toAffine()).as("batch affine " + batchAffine).isEqualTo(expected);
            } finally {
                Msm.batchAffine = true;
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 7, 11, 13, 16})
    void digitsCoverEveryBitOnce(int c) {
        Random random = new Random(c);
        for (int trial = 0; trial < 50; trial++) {
            BigInteger k = new BigInteger(256, random);
            long[] limbs = limbs(List.of(k), 0);
            BigInteger rebuilt = BigInteger.ZERO;
            for (int w = (256 + c - 1) / c - 1; w >= 0; w--) {
                rebuilt = rebuilt.shiftLeft(c).add(BigInteger.valueOf(Msm.digit(limbs, 0, w * c, c)));
            }
            assertThat(rebuilt).isEqualTo(k);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 7, 11, 13, 16})
    void signedDigitsRebuildTheScalarAndStayWithinHalfAWindow(int c) {
        Random random = new Random(100 + c);
        List<BigInteger> scalars = new ArrayList<>(List.of(R.subtract(BigInteger.ONE), BigInteger.ONE.shiftLeft(253),
                BigInteger.ONE.shiftLeft(254).subtract(BigInteger.ONE), BigInteger.TWO));
        for (int trial = 0; trial < 50; trial++) {
            scalars.add(new BigInteger(254, random));
        }
        long[] limbs = limbs(scalars, 0);
        int[] index = new int[scalars.size()];
        for (int i = 0; i < index.length; i++) {
            index[i] = i;
        }
        int windows = 254 / c + 1;
        int[] digits = Msm.signedDigits(limbs, 0, index, index.length, c, windows);
        for (int k = 0; k < scalars.size(); k++) {
            BigInteger rebuilt = BigInteger.ZERO;
            for (int w = windows - 1; w >= 0; w--) {
                int d = digits[w * index.length + k];
                assertThat(Math.abs(d)).isLessThanOrEqualTo(1 << (c - 1));
                rebuilt = rebuilt.shiftLeft(c).add(BigInteger.valueOf(d));
            }
            assertThat(rebuilt).isEqualTo(scalars.get(k));
        }
    }

    @org.junit.jupiter.api.Test
    void repeatedAndOpposingPointsMeetInTheSameBuckets() {
        Random random = new Random(7);
        G1Point p = G1_GEN.mul(Scalar.of(BigInteger.valueOf(123456789)));
        int n = 64;
        G1Point[] bases = new G1Point[n];
        List<BigInteger> scalars = new ArrayList<>();
        BigInteger total = BigInteger.ZERO;
        for (int i = 0; i < n; i++) {
            bases[i] = i % 2 == 0 ? p : p.neg();
            BigInteger k = BigInteger.valueOf(2 + random.nextInt(6));
            scalars.add(k);
            total = i % 2 == 0 ? total.add(k) : total.subtract(k);
        }
        G1Point expected = p.mul(Scalar.of(total.mod(R)));
        G2Point q = G2_GEN.mul(Scalar.of(BigInteger.valueOf(987654321)));
        G2Point[] bases2 = new G2Point[n];
        for (int i = 0; i < n; i++) {
            bases2[i] = i % 2 == 0 ? q : q.neg();
        }
        G2Point expected2 = q.mul(Scalar.of(total.mod(R)));
        for (boolean batchAffine : new boolean[] {true, false}) {
            Msm.batchAffine = batchAffine;
            try {
                assertThat(Msm.msm(CurveOps.G1, bases, limbs(scalars, 0), 0, null).toAffine()).as("batch affine " + batchAffine)
                        .isEqualTo(expected);
                assertThat(Msm.msm(CurveOps.G2, bases2, limbs(scalars, 0), 0, null).toAffine()).as("G2, batch affine " + batchAffine)
                        .isEqualTo(expected2);
            } finally {
                Msm.batchAffine = true;
            }
        }
    }
}
