package io.sensorproof.zk.bn254;

import java.math.BigInteger;

/** Element c0 + c1·u of F<sub>p<sup>2</sup></sub> = F<sub>p</sub>[u] / (u² + 1). */
public record Fp2(Fp c0, Fp c1) {
    public static final Fp2 ZERO = new Fp2(Fp.ZERO, Fp.ZERO);
    public static final Fp2 ONE = new Fp2(Fp.ONE, Fp.ZERO);

    public static Fp2 of(BigInteger c0, BigInteger c1) {
        return new Fp2(Fp.of(c0), Fp.of(c1));
    }

    public boolean isZero() {
        return c0.isZero() && c1.isZero();
    }

    public Fp2 add(Fp2 o) {
        return new Fp2(c0.add(o.c0), c1.add(o.c1));
    }

    public Fp2 sub(Fp2 o) {
        return new Fp2(c0.sub(o.c0), c1.sub(o.c1));
    }

    public Fp2 dbl() {
        return new Fp2(c0.dbl(), c1.dbl());
    }

    public Fp2 neg() {
        return new Fp2(c0.neg(), c1.neg());
    }

    public Fp2 conjugate() {
        return new Fp2(c0, c1.neg());
    }

    /** Karatsuba: three base-field products. */
    public Fp2 mul(Fp2 o) {
        Fp v0 = c0.mul(o.c0);
        Fp v1 = c1.mul(o.c1);
        Fp cross = c0.add(c1).mul(o.c0.add(o.c1));
        return new Fp2(v0.sub(v1), cross.sub(v0).sub(v1));
    }

    public Fp2 mul(Fp k) {
        return new Fp2(c0.mul(k), c1.mul(k));
    }

    /** (a + bu)² = (a + b)(a − b) + 2ab·u. */
    public Fp2 square() {
        Fp ab = c0.mul(c1);
        return new Fp2(c0.add(c1).mul(c0.sub(c1)), ab.dbl());
    }

    /** Multiplication by ξ = 9 + u: (a + bu)(9 + u) = (9a − b) + (a + 9b)u. */
    public Fp2 mulByXi() {
        Fp a8 = c0.dbl().dbl().dbl();
        Fp b8 = c1.dbl().dbl().dbl();
        return new Fp2(a8.add(c0).sub(c1), b8.add(c1).add(c0));
    }

    public Fp2 inverse() {
        Fp normInverse = c0.square().add(c1.square()).inverse();
        return new Fp2(c0.mul(normInverse), c1.mul(normInverse).neg());
    }

    public Fp2 pow(BigInteger e) {
        Fp2 result = ONE;
        for (int i = e.bitLength() - 1; i >= 0; i--) {
            result = result.square();
            if (e.testBit(i)) {
                result = result.mul(this);
            }
        }
        return result;
    }
}
