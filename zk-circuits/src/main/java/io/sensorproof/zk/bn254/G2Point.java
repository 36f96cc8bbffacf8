package io.sensorproof.zk.bn254;

import java.math.BigInteger;

/**
 * Affine point of the sextic twist E': y² = x³ + 3/ξ over F<sub>p<sup>2</sup></sub>, with an
 * explicit infinity. G2 is the subgroup of order r; the twist's cofactor is 2p − r, so points
 * read from outside need {@link #isInSubgroup()}.
 */
public record G2Point(Fp2 x, Fp2 y, boolean infinity) {
    static final Fp2 B = new Fp2(Fp.of(3), Fp.ZERO).mul(new Fp2(Fp.of(9), Fp.ONE).inverse());
    public static final G2Point INFINITY = new G2Point(Fp2.ZERO, Fp2.ZERO, true);
    /** ψ scales x by ξ^((p−1)/3) and y by ξ^((p−1)/2) after conjugation. */
    static final Fp2 PSI_X = new Fp2(Fp.of(9), Fp.ONE).pow(Fp.MODULUS.subtract(BigInteger.ONE).divide(BigInteger.valueOf(3)));
    static final Fp2 PSI_Y = new Fp2(Fp.of(9), Fp.ONE).pow(Fp.MODULUS.subtract(BigInteger.ONE).shiftRight(1));
    /** The BN parameter u = 4965661367192848881. */
    static final long U = 4965661367192848881L;

    public static G2Point of(Fp2 x, Fp2 y) {
        return new G2Point(x, y, false);
    }

    public boolean isOnCurve() {
        return infinity || y.square().equals(x.square().mul(x).add(B));
    }

    public G2Point neg() {
        return infinity ? this : of(x, y.neg());
    }

    /**
     * The untwist–Frobenius–twist endomorphism ψ(x, y) = (x̄·ξ^((p−1)/3), ȳ·ξ^((p−1)/2)). On G2
     * it acts as multiplication by p.
     */
    public G2Point psi() {
        return infinity ? this : of(x.conjugate().mul(PSI_X), y.conjugate().mul(PSI_Y));
    }

    public G2Jacobian toJacobian() {
        return infinity ? G2Jacobian.INFINITY : new G2Jacobian(x, y, Fp2.ONE);
    }

    public G2Point add(G2Point o) {
        return toJacobian().add(o.toJacobian()).toAffine();
    }

    public G2Point mul(Scalar k) {
        return G2Jacobian.mul(this, k).toAffine();
    }

    /**
     * Subgroup membership by the endomorphism test of El Housni, Guillevic and Piellard,
     * "Co-factor clearing and subgroup membership testing on pairing-friendly curves"
     * (ePrint 2022/348, §5.1 for BN curves): Q ∈ G2 ⇔ [u+1]Q + ψ([u]Q) + ψ²([u]Q) = ψ³([2u]Q).
     * On G2, ψ is [p] and the identity (u+1) + p·u + p²·u − 2u·p³ ≡ 0 (mod r) holds; the paper
     * shows no point of the twist outside G2 satisfies it for BN254. It costs one 63-bit scalar
     * multiplication instead of the 254-bit [r]Q = O.
     */
    public boolean isInSubgroup() {
        if (infinity) {
            return true;
        }
        G2Jacobian uq = G2Jacobian.mul(this, U);
        G2Jacobian psiUq = uq.psi();
        G2Jacobian lhs = uq.addMixed(this).add(psiUq).add(psiUq.psi());
        G2Jacobian rhs = uq.dbl().psi().psi().psi();
        return lhs.isEquivalent(rhs);
    }
}
