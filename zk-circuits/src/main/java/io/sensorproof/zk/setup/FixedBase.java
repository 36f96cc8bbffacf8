package io.sensorproof.zk.setup;

import io.sensorproof.zk.bn254.Fp;
import io.sensorproof.zk.bn254.Fp2;
import io.sensorproof.zk.bn254.G1Jacobian;
import io.sensorproof.zk.bn254.G1Point;
import io.sensorproof.zk.bn254.G2Jacobian;
import io.sensorproof.zk.bn254.G2Point;
import java.math.BigInteger;

/**
 * [k]·B for many scalars k and one fixed base B (the G1 or G2 generator), written as snarkjs
 * writes affine points in a {@code .ptau}: x then y, each coordinate in Montgomery form
 * (a·2²⁵⁶ mod p, the same form {@link Fp} keeps) as 32 little-endian bytes, G2 coordinates as
 * c0 then c1; the point at infinity is all zeros.
 *
 * <p>The table holds d·256^w·B for w = 0…31 and d = 1…255 in affine form, so one product is at
 * most 32 mixed additions and no doubling; a batch of products is brought to affine form with one
 * inversion (Montgomery's trick).
 */
abstract sealed class FixedBase permits FixedBase.OnG1, FixedBase.OnG2 {
    static final int WINDOWS = 32;
    static final int DIGITS = 256;

    /** Bytes per affine point. */
    abstract int pointSize();

    /** Writes [k_i]·B for i in [from, to) at out[offset + (i − from)·pointSize()]. */
    abstract void multiply(BigInteger[] scalars, int from, int to, byte[] out, int offset);

    /** The 32 little-endian bytes of k (0 ≤ k < 2²⁵⁶). */
    static byte[] digits(BigInteger k) {
        byte[] big = k.toByteArray();
        byte[] little = new byte[WINDOWS];
        for (int i = 0; i < big.length && i < WINDOWS; i++) {
            little[i] = big[big.length - 1 - i];
        }
        return little;
    }

    static void writeFp(Fp v, byte[] out, int offset) {
        writeLong(v.l0(), out, offset);
        writeLong(v.l1(), out, offset + 8);
        writeLong(v.l2(), out, offset + 16);
        writeLong(v.l3(), out, offset + 24);
    }

    private static void writeLong(long v, byte[] out, int offset) {
        for (int i = 0; i < 8; i++) {
            out[offset + i] = (byte) (v >>> (8 * i));
        }
    }

    static final class OnG1 extends FixedBase {
        private final G1Point[][] table = new G1Point[WINDOWS][DIGITS];

        OnG1(G1Point base) {
            G1Jacobian[] jacobian = new G1Jacobian[WINDOWS * (DIGITS - 1)];
            G1Point windowBase = base;
            for (int w = 0; w < WINDOWS; w++) {
                G1Jacobian acc = windowBase.toJacobian();
                for (int d = 1; d < DIGITS; d++) {
                    jacobian[w * (DIGITS - 1) + d - 1] = acc;
                    acc = acc.addMixed(windowBase);
                }
                windowBase = acc.toAffine();
            }
            G1Point[] affine = toAffine(jacobian);
            for (int w = 0; w < WINDOWS; w++) {
                for (int d = 1; d < DIGITS; d++) {
                    table[w][d] = affine[w * (DIGITS - 1) + d - 1];
                }
            }
        }

        @Override
        int pointSize() {
            return 64;
        }

        G1Jacobian multiply(BigInteger k) {
            byte[] digits = digits(k);
            G1Jacobian acc = G1Jacobian.INFINITY;
            for (int w = 0; w < WINDOWS; w++) {
                int d = digits[w] & 0xFF;
                if (d != 0) {
                    acc = acc.addMixed(table[w][d]);
                }
            }
            return acc;
        }

        @Override
        void multiply(BigInteger[] scalars, int from, int to, byte[] out, int offset) {
            G1Jacobian[] points = new G1Jacobian[to - from];
            for (int i = from; i < to; i++) {
                points[i - from] = multiply(scalars[i]);
            }
            G1Point[] affine = toAffine(points);
            for (int i = 0; i < affine.length; i++) {
                int at = offset + i * 64;
                if (!affine[i].infinity()) {
                    writeFp(affine[i].x(), out, at);
                    writeFp(affine[i].y(), out, at + 32);
                }
            }
        }

        /** Simultaneous inversion; points at infinity stay at infinity. */
        static G1Point[] toAffine(G1Jacobian[] points) {
            int n = points.length;
            Fp[] prefix = new Fp[n];
            Fp acc = Fp.ONE;
            for (int i = 0; i < n; i++) {
                prefix[i] = acc;
                if (!points[i].isInfinity()) {
                    acc = acc.mul(points[i].z());
                }
            }
            Fp inverse = acc.inverse();
            G1Point[] result = new G1Point[n];
            for (int i = n - 1; i >= 0; i--) {
                if (points[i].isInfinity()) {
                    result[i] = G1Point.INFINITY;
                    continue;
                }
                Fp zInv = inverse.mul(prefix[i]);
                inverse = inverse.mul(points[i].z());
                Fp zInv2 = zInv.square();
                result[i] = G1Point.of(points[i].x().mul(zInv2), points[i].y().mul(zInv2).mul(zInv));
            }
            return result;
        }
    }

    static final class OnG2 extends FixedBase {
        private final G2Point[][] table = new G2Point[WINDOWS][DIGITS];

        OnG2(G2Point base) {
            G2Jacobian[] jacobian = new G2Jacobian[WINDOWS * (DIGITS - 1)];
            G2Point windowBase = base;
            for (int w = 0; w < WINDOWS; w++) {
                G2Jacobian acc = windowBase.toJacobian();
                for (int d = 1; d < DIGITS; d++) {
                    jacobian[w * (DIGITS - 1) + d - 1] = acc;
                    acc = acc.addMixed(windowBase);
                }
                windowBase = acc.toAffine();
            }
            G2Point[] affine = toAffine(jacobian);
            for (int w = 0; w < WINDOWS; w++) {
                for (int d = 1; d < DIGITS; d++) {
                    table[w][d] = affine[w * (DIGITS - 1) + d - 1];
                }
            }
        }

        @Override
        int pointSize() {
            return 128;
        }

        G2Jacobian multiply(BigInteger k) {
            byte[] digits = digits(k);
            G2Jacobian acc = G2Jacobian.INFINITY;
            for (int w = 0; w < WINDOWS; w++) {
                int d = digits[w] & 0xFF;
                if (d != 0) {
                    acc = acc.addMixed(table[w][d]);
                }
            }
            return acc;
        }

        @Override
        void multiply(BigInteger[] scalars, int from, int to, byte[] out, int offset) {
            G2Jacobian[] points = new G2Jacobian[to - from];
            for (int i = from; i < to; i++) {
                points[i - from] = multiply(scalars[i]);
            }
            G2Point[] affine = toAffine(points);
            for (int i = 0; i < affine.length; i++) {
                int at = offset + i * 128;
                if (!affine[i].infinity()) {
                    writeFp(affine[i].x().c0(), out, at);
                    writeFp(affine[i].x().c1(), out, at + 32);
                    writeFp(affine[i].y().c0(), out, at + 64);
                    writeFp(affine[i].y().c1(), out, at + 96);
                }
            }
        }

        static G2Point[] toAffine(G2Jacobian[] points) {
            int n = points.length;
            Fp2[] prefix = new Fp2[n];
            Fp2 acc = Fp2.ONE;
            for (int i = 0; i < n; i++) {
                prefix[i] = acc;
                if (!points[i].isInfinity()) {
                    acc = acc.mul(points[i].z());
                }
            }
            Fp2 inverse = acc.inverse();
            G2Point[] result = new G2Point[n];
            for (int i = n - 1; i >= 0; i--) {
                if (points[i].isInfinity()) {
                    result[i] = G2Point.INFINITY;
                    continue;
                }
                Fp2 zInv = inverse.mul(prefix[i]);
                inverse = inverse.mul(points[i].z());
                Fp2 zInv2 = zInv.square();
                result[i] = G2Point.of(points[i].x().mul(zInv2), points[i].y().mul(zInv2).mul(zInv));
            }
            return result;
        }
    }
}
