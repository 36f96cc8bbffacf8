package io.sensorproof.zk.bn254;

import java.math.BigInteger;

/** Affine point of G1 (y² = x³ + 3 over F<sub>p</sub>; cofactor 1), with an explicit infinity. */
public record G1Point(Fp x, Fp y, boolean infinity) {
    static final Fp B = Fp.of(3);
    public static final G1Point INFINITY = new G1Point(Fp.ZERO, Fp.ZERO, true);

    public static G1Point of(Fp x, Fp y) {
        return new G1Point(x, y, false);
    }

    public static G1Point of(BigInteger x, BigInteger y) {
        return of(Fp.of(x), Fp.of(y));
    }

    /** On the curve; since G1 has cofactor 1 this is also subgroup membership. */
    public boolean isOnCurve() {
        return infinity || y.square().equals(x.square().mul(x).add(B));
    }

    public G1Point neg() {
        return infinity ? this : of(x, y.neg());
    }

    public G1Jacobian toJacobian() {
        return infinity ? G1Jacobian.INFINITY : new G1Jacobian(x, y, Fp.ONE);
    }

    public G1Point add(G1Point o) {
        return toJacobian().addMixed(o).toAffine();
    }

    public G1Point mul(Scalar k) {
        return toJacobian().mul(k, this).toAffine();
    }
}
