package io.sensorproof.zk.bn254;

/** Twist point in Jacobian coordinates (x = X/Z², y = Y/Z³); Z = 0 is the point at infinity. */
public record G2Jacobian(Fp2 x, Fp2 y, Fp2 z) {
    public static final G2Jacobian INFINITY = new G2Jacobian(Fp2.ONE, Fp2.ONE, Fp2.ZERO);

    public boolean isInfinity() {
        return z.isZero();
    }

    public G2Jacobian dbl() {
        if (isInfinity()) {
            return this;
        }
        Fp2 a = x.square();
        Fp2 b = y.square();
        Fp2 c = b.square();
        Fp2 d = x.add(b).square().sub(a).sub(c).dbl();
        Fp2 e = a.dbl().add(a);
        Fp2 f = e.square();
        Fp2 x3 = f.sub(d.dbl());
        Fp2 y3 = e.mul(d.sub(x3)).sub(c.dbl().dbl().dbl());
        return new G2Jacobian(x3, y3, y.mul(z).dbl());
    }

    public G2Jacobian addMixed(G2Point q) {
        if (q.infinity()) {
            return this;
        }
        if (isInfinity()) {
            return q.toJacobian();
        }
        Fp2 z1z1 = z.square();
        Fp2 u2 = q.x().mul(z1z1);
        Fp2 s2 = q.y().mul(z).mul(z1z1);
        Fp2 h = u2.sub(x);
        Fp2 r = s2.sub(y).dbl();
        if (h.isZero()) {
            return r.isZero() ? dbl() : INFINITY;
        }
        Fp2 hh = h.square();
        Fp2 i = hh.dbl().dbl();
        Fp2 j = h.mul(i);
        Fp2 v = x.mul(i);
        Fp2 x3 = r.square().sub(j).sub(v.dbl());
        Fp2 y3 = r.mul(v.sub(x3)).sub(y.mul(j).dbl());
        Fp2 z3 = z.add(h).square().sub(z1z1).sub(hh);
        return new G2Jacobian(x3, y3, z3);
    }

    /** add-2007-bl. */
    public G2Jacobian add(G2Jacobian o) {
        if (o.isInfinity()) {
            return this;
        }
        if (isInfinity()) {
            return o;
        }
        Fp2 z1z1 = z.square();
        Fp2 z2z2 = o.z.square();
        Fp2 u1 = x.mul(z2z2);
        Fp2 u2 = o.x.mul(z1z1);
        Fp2 s1 = y.mul(o.z).mul(z2z2);
        Fp2 s2 = o.y.mul(z).mul(z1z1);
        Fp2 h = u2.sub(u1);
        Fp2 r = s2.sub(s1).dbl();
        if (h.isZero()) {
            return r.isZero() ? dbl() : INFINITY;
        }
        Fp2 i = h.dbl().square();
        Fp2 j = h.mul(i);
        Fp2 v = u1.mul(i);
        Fp2 x3 = r.square().sub(j).sub(v.dbl());
        Fp2 y3 = r.mul(v.sub(x3)).sub(s1.mul(j).dbl());
        Fp2 z3 = z.add(o.z).square().sub(z1z1).sub(z2z2).mul(h);
        return new G2Jacobian(x3, y3, z3);
    }

    /** ψ in Jacobian coordinates: (X̄·ξ^((p−1)/3), Ȳ·ξ^((p−1)/2), Z̄). */
    public G2Jacobian psi() {
        return new G2Jacobian(x.conjugate().mul(G2Point.PSI_X), y.conjugate().mul(G2Point.PSI_Y), z.conjugate());
    }

    /** Same projective point: X1·Z2² = X2·Z1² and Y1·Z2³ = Y2·Z1³. */
    public boolean isEquivalent(G2Jacobian o) {
        if (isInfinity() || o.isInfinity()) {
            return isInfinity() && o.isInfinity();
        }
        Fp2 z1z1 = z.square();
        Fp2 z2z2 = o.z.square();
        return x.mul(z2z2).equals(o.x.mul(z1z1))
                && y.mul(z2z2).mul(o.z).equals(o.y.mul(z1z1).mul(z));
    }

    static G2Jacobian mul(G2Point base, long k) {
        G2Jacobian acc = INFINITY;
        for (int i = 63 - Long.numberOfLeadingZeros(k); i >= 0; i--) {
            acc = acc.dbl();
            if (((k >>> i) & 1) != 0) {
                acc = acc.addMixed(base);
            }
        }
        return acc;
    }

    static G2Jacobian mul(G2Point base, Scalar k) {
        G2Jacobian acc = INFINITY;
        for (int i = k.bitLength() - 1; i >= 0; i--) {
            acc = acc.dbl();
            if (k.testBit(i)) {
                acc = acc.addMixed(base);
            }
        }
        return acc;
    }

    public G2Point toAffine() {
        if (isInfinity()) {
            return G2Point.INFINITY;
        }
        Fp2 zInv = z.inverse();
        Fp2 zInv2 = zInv.square();
        return G2Point.of(x.mul(zInv2), y.mul(zInv2).mul(zInv));
    }
}
