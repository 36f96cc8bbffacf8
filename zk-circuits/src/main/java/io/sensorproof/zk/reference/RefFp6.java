package io.sensorproof.zk.reference;

/** Element c0 + c1·v + c2·v² of F<sub>p<sup>6</sup></sub> = F<sub>p<sup>2</sup></sub>[v] / (v³ − ξ). */
public record RefFp6(RefFp2 c0, RefFp2 c1, RefFp2 c2) {
    public static final RefFp6 ZERO = new RefFp6(RefFp2.ZERO, RefFp2.ZERO, RefFp2.ZERO);
    public static final RefFp6 ONE = new RefFp6(RefFp2.ONE, RefFp2.ZERO, RefFp2.ZERO);

    public RefFp6 add(RefFp6 o) {
        return new RefFp6(c0.add(o.c0), c1.add(o.c1), c2.add(o.c2));
    }

    public RefFp6 sub(RefFp6 o) {
        return new RefFp6(c0.sub(o.c0), c1.sub(o.c1), c2.sub(o.c2));
    }

    public RefFp6 neg() {
        return new RefFp6(c0.neg(), c1.neg(), c2.neg());
    }

    /** Schoolbook product; the v³ and v⁴ terms fold back as ξ and ξ·v. */
    public RefFp6 mul(RefFp6 o) {
        RefFp2 d0 = c0.mul(o.c0);
        RefFp2 d1 = c0.mul(o.c1).add(c1.mul(o.c0));
        RefFp2 d2 = c0.mul(o.c2).add(c1.mul(o.c1)).add(c2.mul(o.c0));
        RefFp2 d3 = c1.mul(o.c2).add(c2.mul(o.c1));
        RefFp2 d4 = c2.mul(o.c2);
        return new RefFp6(d0.add(d3.mul(RefFp2.XI)), d1.add(d4.mul(RefFp2.XI)), d2);
    }

    /** Multiplication by v. */
    public RefFp6 mulByV() {
        return new RefFp6(c2.mul(RefFp2.XI), c0, c1);
    }

    public RefFp6 inverse() {
        RefFp2 t0 = c0.square().sub(c1.mul(c2).mul(RefFp2.XI));
        RefFp2 t1 = c2.square().mul(RefFp2.XI).sub(c0.mul(c1));
        RefFp2 t2 = c1.square().sub(c0.mul(c2));
        RefFp2 norm = c0.mul(t0).add(c2.mul(t1).mul(RefFp2.XI)).add(c1.mul(t2).mul(RefFp2.XI)).inverse();
        return new RefFp6(t0.mul(norm), t1.mul(norm), t2.mul(norm));
    }

    public boolean isZero() {
        return c0.isZero() && c1.isZero() && c2.isZero();
    }
}
