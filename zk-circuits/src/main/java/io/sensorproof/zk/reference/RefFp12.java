package io.sensorproof.zk.reference;

import java.math.BigInteger;

/** Element c0 + c1·w of F<sub>p<sup>12</sup></sub> = F<sub>p<sup>6</sup></sub>[w] / (w² − v). */
public record RefFp12(RefFp6 c0, RefFp6 c1) {
    public static final RefFp12 ZERO = new RefFp12(RefFp6.ZERO, RefFp6.ZERO);
    public static final RefFp12 ONE = new RefFp12(RefFp6.ONE, RefFp6.ZERO);

    /** Embeds a base-field element. */
    public static RefFp12 of(BigInteger a) {
        return new RefFp12(new RefFp6(RefFp2.of(a, BigInteger.ZERO), RefFp2.ZERO, RefFp2.ZERO), RefFp6.ZERO);
    }

    public RefFp12 add(RefFp12 o) {
        return new RefFp12(c0.add(o.c0), c1.add(o.c1));
    }

    public RefFp12 sub(RefFp12 o) {
        return new RefFp12(c0.sub(o.c0), c1.sub(o.c1));
    }

    public RefFp12 neg() {
        return new RefFp12(c0.neg(), c1.neg());
    }

    public RefFp12 mul(RefFp12 o) {
        RefFp6 d0 = c0.mul(o.c0);
        RefFp6 d1 = c0.mul(o.c1).add(c1.mul(o.c0));
        RefFp6 d2 = c1.mul(o.c1);
        return new RefFp12(d0.add(d2.mulByV()), d1);
    }

    public RefFp12 mul(BigInteger k) {
        return mul(of(k));
    }

    public RefFp12 square() {
        return mul(this);
    }

    /** Inverse via the norm to F<sub>p<sup>6</sup></sub>: 1/(a + bw) = (a − bw)/(a² − b²v). */
    public RefFp12 inverse() {
        RefFp6 norm = c0.mul(c0).sub(c1.mul(c1).mulByV()).inverse();
        return new RefFp12(c0.mul(norm), c1.neg().mul(norm));
    }

    public RefFp12 pow(BigInteger e) {
        RefFp12 result = ONE;
        for (int i = e.bitLength() - 1; i >= 0; i--) {
            result = result.square();
            if (e.testBit(i)) {
                result = result.mul(this);
            }
        }
        return result;
    }

    public boolean isZero() {
        return c0.isZero() && c1.isZero();
    }

    public boolean isOne() {
        return equals(ONE);
    }
}
