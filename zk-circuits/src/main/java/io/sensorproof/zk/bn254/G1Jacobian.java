package io.sensorproof.zk.bn254;

/** G1 point in Jacobian coordinates (x = X/Z², y = Y/Z³); Z = 0 is the point at infinity. */
public record G1Jacobian(Fp x, Fp y, Fp z) {
    public static final G1Jacobian INFINITY = new G1Jacobian(Fp.ONE, Fp.ONE, Fp.ZERO);

    public boolean isInfinity() {
        return z.isZero();
    }

    /** dbl-2009-l (a = 0). */
    public G1Jacobian dbl() {
        if (isInfinity()) {
            return this;
        }
        Fp a = x.square();
        Fp b = y.square();
        Fp c = b.square();
        Fp d = x.add(b).square().sub(a).sub(c).dbl();
        Fp e = a.dbl().add(a);
        Fp f = e.square();
        Fp x3 = f.sub(d.dbl());
        Fp y3 = e.mul(d.sub(x3)).sub(c.dbl().dbl().dbl());
        return new G1Jacobian(x3, y3, y.mul(z).dbl());
    }

    /** madd-2007-bl: adds an affine point, falling back to doubling or infinity when needed. */
    public G1Jacobian addMixed(G1Point q) {
        if (q.infinity()) {
            return this;
        }
        if (isInfinity()) {
            return q.toJacobian();
        }
        Fp z1z1 = z.square();
        Fp u2 = q.x().mul(z1z1);
        Fp s2 = q.y().mul(z).mul(z1z1);
        Fp h = u2.sub(x);
        Fp r = s2.sub(y).dbl();
        if (h.isZero()) {
            return r.isZero() ? dbl() : INFINITY;
        }
        Fp hh = h.square();
        Fp i = hh.dbl().dbl();
        Fp j = h.mul(i);
        Fp v = x.mul(i);
        Fp x3 = r.square().sub(j).sub(v.dbl());
        Fp y3 = r.mul(v.sub(x3)).sub(y.mul(j).dbl());
        Fp z3 = z.add(h).square().sub(z1z1).sub(hh);
        return new G1Jacobian(x3, y3, z3);
    }

    /** Left-to-right double-and-add; {@code base} is this point in affine form. */
    G1Jacobian mul(Scalar k, G1Point base) {
        G1Jacobian acc = INFINITY;
        for (int i = k.bitLength() - 1; i >= 0; i--) {
            acc = acc.dbl();
            if (k.testBit(i)) {
                acc = acc.addMixed(base);
            }
        }
        return acc;
    }

    public G1Point toAffine() {
        if (isInfinity()) {
            return G1Point.INFINITY;
        }
        Fp zInv = z.inverse();
        Fp zInv2 = zInv.square();
        return G1Point.of(x.mul(zInv2), y.mul(zInv2).mul(zInv));
    }
}
