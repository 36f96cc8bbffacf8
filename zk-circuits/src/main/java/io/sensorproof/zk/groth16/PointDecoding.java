package io.sensorproof.zk.groth16;

import io.sensorproof.zk.bn254.Fp;
import io.sensorproof.zk.bn254.Fp2;
import io.sensorproof.zk.bn254.G1Point;
import io.sensorproof.zk.bn254.G2Point;
import java.math.BigInteger;

/** Turns JSON coordinates into curve points with the checks of the EIP-196/197 precompiles. */
final class PointDecoding {
    private static final BigInteger P = Fp.MODULUS;

    private PointDecoding() {
    }

    /** A G1 point handed to a precompile as is: coordinates below p, (0, 0) is infinity. */
    static G1Point g1(G1Coordinates c, String element) {
        requireBelowP(c.x(), element + "[0]");
        requireBelowP(c.y(), element + "[1]");
        if (c.x().signum() == 0 && c.y().signum() == 0) {
            return G1Point.INFINITY;
        }
        return onCurve(G1Point.of(c.x(), c.y()), element);
    }

    /**
     * The negation that the Solidity verifier computes before the pairing,
     * {@code negate(p) = (p.X, q - (p.Y % q))}, so y is taken modulo p (a y of p + k is the same
     * as k) and a y ≡ 0 becomes the out-of-range coordinate q.
     */
    static G1Point negatedG1(G1Coordinates c, String element) {
        if (c.x().signum() == 0 && c.y().signum() == 0) {
            return G1Point.INFINITY;
        }
        requireBelowP(c.x(), element + "[0]");
        // strict since ADR 020: the deployed verifier (IClaimVerifier adapter) refuses y >= p, although
        // the exported contract alone would read it mod p (ADR 006, superseded in this point)
        requireBelowP(c.y(), element + "[1]");
        BigInteger y = c.y();
        if (y.signum() == 0) {
            throw new VerificationException(ErrorCode.COORDINATE_OUT_OF_RANGE, element + "[1]",
                    "y ≡ 0 (mod p): the Solidity verifier's negation yields p, which the pairing precompile rejects");
        }
        return onCurve(G1Point.of(c.x(), y), element).neg();
    }

    /** A G2 point for the pairing precompile: coordinates below p, on the twist and in G2. */
    static G2Point g2(G2Coordinates c, String element) {
        requireBelowP(c.x0(), element + "[0][0]");
        requireBelowP(c.x1(), element + "[0][1]");
        requireBelowP(c.y0(), element + "[1][0]");
        requireBelowP(c.y1(), element + "[1][1]");
        Fp2 x = Fp2.of(c.x0(), c.x1());
        Fp2 y = Fp2.of(c.y0(), c.y1());
        if (x.isZero() && y.isZero()) {
            return G2Point.INFINITY;
        }
        G2Point q = G2Point.of(x, y);
        if (!q.isOnCurve()) {
            throw new VerificationException(ErrorCode.NOT_ON_CURVE, element, "not on the twist curve y² = x³ + 3/(9 + u)");
        }
        if (!q.isInSubgroup()) {
            throw new VerificationException(ErrorCode.NOT_IN_SUBGROUP, element, "on the twist but not in the order-r subgroup G2");
        }
        return q;
    }

    private static G1Point onCurve(G1Point p, String element) {
        if (!p.isOnCurve()) {
            throw new VerificationException(ErrorCode.NOT_ON_CURVE, element, "not on the curve y² = x³ + 3");
        }
        return p;
    }

    private static void requireBelowP(BigInteger v, String element) {
        if (v.compareTo(P) >= 0) {
            throw new VerificationException(ErrorCode.COORDINATE_OUT_OF_RANGE, element, "coordinate is not below p");
        }
    }
}
