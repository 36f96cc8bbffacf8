package io.sensorproof.zk.bn254;

/** Element c0 + c1·v + c2·v² of F<sub>p<sup>6</sup></sub> = F<sub>p<sup>2</sup></sub>[v] / (v³ − ξ). */
public record Fp6(Fp2 c0, Fp2 c1, Fp2 c2) {
    public static final Fp6 ZERO = new Fp6(Fp2.ZERO, Fp2.ZERO, Fp2.ZERO);
    public static final Fp6 ONE = new Fp6(Fp2.ONE, Fp2.ZERO, Fp2.ZERO);

    public boolean isZero() {
        return c0.isZero() && c1.isZero() && c2.isZero();
    }

    public Fp6 add(Fp6 o) {
        return new Fp6(c0.add(o.c0), c1.add(o.c1), c2.add(o.c2));
    }

    public Fp6 sub(Fp6 o) {
        return new Fp6(c0.sub(o.c0), c1.sub(o.c1), c2.sub(o.c2));
    }

    public Fp6 dbl() {
        return new Fp6(c0.dbl(), c1.dbl(), c2.dbl());
    }

    public Fp6 neg() {
        return new Fp6(c0.neg(), c1.neg(), c2.neg());
    }

    /** Karatsuba over three coefficients: six F<sub>p<sup>2</sup></sub> products. */
    public Fp6 mul(Fp6 o) {
        Fp2 v0 = c0.mul(o.c0);
        Fp2 v1 = c1.mul(o.c1);
        Fp2 v2 = c2.mul(o.c2);
        Fp2 d0 = c1.add(c2).mul(o.c1.add(o.c2)).sub(v1).sub(v2).mulByXi().add(v0);
        Fp2 d1 = c0.add(c1).mul(o.c0.add(o.c1)).sub(v0).sub(v1).add(v2.mulByXi());
        Fp2 d2 = c0.add(c2).mul(o.c0.add(o.c2)).sub(v0).sub(v2).add(v1);
        return new Fp6(d0, d1, d2);
    }

    /** Chung–Hasan SQR2. */
    public Fp6 square() {
        Fp2 s0 = c0.square();
        Fp2 s1 = c0.mul(c1).dbl();
        Fp2 s2 = c0.sub(c1).add(c2).square();
        Fp2 s3 = c1.mul(c2).dbl();
        Fp2 s4 = c2.square();
        return new Fp6(s3.mulByXi().add(s0), s4.mulByXi().add(s1), s1.add(s2).add(s3).sub(s0).sub(s4));
    }

    public Fp6 mul(Fp2 k) {
        return new Fp6(c0.mul(k), c1.mul(k), c2.mul(k));
    }

    /** Multiplication by v: (c0, c1, c2)·v = (ξc2, c0, c1). */
    public Fp6 mulByV() {
        return new Fp6(c2.mulByXi(), c0, c1);
    }

    /** Product with the sparse element b0 + b1·v. */
    public Fp6 mulBy01(Fp2 b0, Fp2 b1) {
        Fp2 v0 = c0.mul(b0);
        Fp2 v1 = c1.mul(b1);
        Fp2 d0 = c2.mul(b1).mulByXi().add(v0);
        Fp2 d1 = c0.add(c1).mul(b0.add(b1)).sub(v0).sub(v1);
        Fp2 d2 = c2.mul(b0).add(v1);
        return new Fp6(d0, d1, d2);
    }

    public Fp6 inverse() {
        Fp2 t0 = c0.square().sub(c1.mul(c2).mulByXi());
        Fp2 t1 = c2.square().mulByXi().sub(c0.mul(c1));
        Fp2 t2 = c1.square().sub(c0.mul(c2));
        Fp2 norm = c0.mul(t0).add(c2.mul(t1).add(c1.mul(t2)).mulByXi()).inverse();
        return new Fp6(t0.mul(norm), t1.mul(norm), t2.mul(norm));
    }
}
