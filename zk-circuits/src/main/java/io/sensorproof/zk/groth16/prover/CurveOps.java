package io.sensorproof.zk.groth16.prover;

import io.sensorproof.zk.bn254.Fp;
import io.sensorproof.zk.bn254.G1Jacobian;
import io.sensorproof.zk.bn254.G1Point;
import io.sensorproof.zk.bn254.G2Jacobian;
import io.sensorproof.zk.bn254.G2Point;

/**
 * The group operations a multi-scalar multiplication needs, for G1 and G2: J is the Jacobian
 * (accumulator) type, A the affine (base) type.
 */
interface CurveOps<J, A> {
    J zero();

    boolean isInfinity(A base);

    A negate(A base);

    J addMixed(J acc, A base);

    J add(J a, J b);

    J dbl(J a);

    CurveOps<G1Jacobian, G1Point> G1 = new CurveOps<>() {
        @Override
        public G1Jacobian zero() {
            return G1Jacobian.INFINITY;
        }

        @Override
        public boolean isInfinity(G1Point base) {
            return base.infinity();
        }

        @Override
        public G1Point negate(G1Point base) {
            return base.neg();
        }

        @Override
        public G1Jacobian addMixed(G1Jacobian acc, G1Point base) {
            return acc.addMixed(base);
        }

        @Override
        public G1Jacobian add(G1Jacobian a, G1Jacobian b) {
            return addJacobian(a, b);
        }

        @Override
        public G1Jacobian dbl(G1Jacobian a) {
            return a.dbl();
        }
    };

    CurveOps<G2Jacobian, G2Point> G2 = new CurveOps<>() {
        @Override
        public G2Jacobian zero() {
            return G2Jacobian.INFINITY;
        }

        @Override
        public boolean isInfinity(G2Point base) {
            return base.infinity();
        }

        @Override
        public G2Point negate(G2Point base) {
            return base.neg();
        }

        @Override
        public G2Jacobian addMixed(G2Jacobian acc, G2Point base) {
            return acc.addMixed(base);
        }

        @Override
        public G2Jacobian add(G2Jacobian a, G2Jacobian b) {
            return a.add(b);
        }

        @Override
        public G2Jacobian dbl(G2Jacobian a) {
            return a.dbl();
        }
    };

    /** add-2007-bl for G1 (the shared G1Jacobian has only the mixed addition). */
    static G1Jacobian addJacobian(G1Jacobian p, G1Jacobian o) {
        if (o.isInfinity()) {
            return p;
        }
        if (p.isInfinity()) {
            return o;
        }
        Fp z1z1 = p.z().square();
        Fp z2z2 = o.z().square();
        Fp u1 = p.x().mul(z2z2);
        Fp u2 = o.x().mul(z1z1);
        Fp s1 = p.y().mul(o.z()).mul(z2z2);
        Fp s2 = o.y().mul(p.z()).mul(z1z1);
        Fp h = u2.sub(u1);
        Fp r = s2.sub(s1).dbl();
        if (h.isZero()) {
            return r.isZero() ? p.dbl() : G1Jacobian.INFINITY;
        }
        Fp i = h.dbl().square();
        Fp j = h.mul(i);
        Fp v = u1.mul(i);
        Fp x3 = r.square().sub(j).sub(v.dbl());
        Fp y3 = r.mul(v.sub(x3)).sub(s1.mul(j).dbl());
        Fp z3 = p.z().add(o.z()).square().sub(z1z1).sub(z2z2).mul(h);
        return new G1Jacobian(x3, y3, z3);
    }
}
