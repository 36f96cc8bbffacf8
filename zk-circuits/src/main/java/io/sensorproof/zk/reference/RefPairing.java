package io.sensorproof.zk.reference;

import java.math.BigInteger;
import java.util.List;

/**
 * Optimal-ate pairing e: G1 × G2 → GT, computed the textbook way: both points are mapped to
 * E(F<sub>p<sup>12</sup></sub>), the Miller loop runs over affine points with full
 * F<sub>p<sup>12</sup></sub> line values, and the result is raised to (p¹² − 1)/r.
 */
public final class RefPairing {
    private static final BigInteger FINAL_EXPONENT = RefField.P.pow(12).subtract(BigInteger.ONE).divide(RefField.R);
    private static final RefFp12 W = new RefFp12(RefFp6.ZERO, RefFp6.ONE);
    private static final RefFp12 W2 = W.square();
    private static final RefFp12 W3 = W2.mul(W);

    private RefPairing() {
    }

    /** A point of E(F<sub>p<sup>12</sup></sub>): y² = x³ + 3. */
    private record Point(RefFp12 x, RefFp12 y) {
    }

    public static RefFp12 pairing(RefG1 p, RefG2 q) {
        return millerLoop(p, q).pow(FINAL_EXPONENT);
    }

    /** True when the product of e(p_i, q_i) is one (the EIP-197 check). */
    public static boolean pairingCheck(List<RefG1> ps, List<RefG2> qs) {
        RefFp12 f = RefFp12.ONE;
        for (int i = 0; i < ps.size(); i++) {
            f = f.mul(millerLoop(ps.get(i), qs.get(i)));
        }
        return f.pow(FINAL_EXPONENT).isOne();
    }

    /** Miller loop f_{6u+2,Q}(P) times the two Frobenius lines, before the final exponentiation. */
    public static RefFp12 millerLoop(RefG1 p, RefG2 q) {
        if (p.infinity() || q.infinity()) {
            return RefFp12.ONE;
        }
        Point pp = new Point(RefFp12.of(p.x()), RefFp12.of(p.y()));
        Point qq = untwist(q);
        Point t = qq;
        RefFp12 f = RefFp12.ONE;
        BigInteger n = RefField.ATE_LOOP_COUNT;
        for (int i = n.bitLength() - 2; i >= 0; i--) {
            f = f.square().mul(line(t, t, pp));
            t = add(t, t);
            if (n.testBit(i)) {
                f = f.mul(line(t, qq, pp));
                t = add(t, qq);
            }
        }
        Point q1 = new Point(qq.x.pow(RefField.P), qq.y.pow(RefField.P));
        Point q2 = new Point(q1.x.pow(RefField.P), q1.y.pow(RefField.P).neg());
        f = f.mul(line(t, q1, pp));
        t = add(t, q1);
        return f.mul(line(t, q2, pp));
    }

    /** The twist isomorphism E' → E: (x, y) ↦ (x·w², y·w³). */
    static Point untwist(RefG2 q) {
        RefFp12 x = new RefFp12(new RefFp6(q.x(), RefFp2.ZERO, RefFp2.ZERO), RefFp6.ZERO).mul(W2);
        RefFp12 y = new RefFp12(new RefFp6(q.y(), RefFp2.ZERO, RefFp2.ZERO), RefFp6.ZERO).mul(W3);
        return new Point(x, y);
    }

    /** Value at s of the line through a and b (the tangent when a = b). */
    private static RefFp12 line(Point a, Point b, Point s) {
        if (!a.x.equals(b.x)) {
            RefFp12 m = b.y.sub(a.y).mul(b.x.sub(a.x).inverse());
            return m.mul(s.x.sub(a.x)).sub(s.y.sub(a.y));
        }
        if (a.y.equals(b.y)) {
            RefFp12 m = a.x.square().mul(BigInteger.valueOf(3)).mul(a.y.add(a.y).inverse());
            return m.mul(s.x.sub(a.x)).sub(s.y.sub(a.y));
        }
        return s.x.sub(a.x);
    }

    /** Affine addition on E(F<sub>p<sup>12</sup></sub>); the loop never reaches the point at infinity. */
    private static Point add(Point a, Point b) {
        RefFp12 m;
        if (a.x.equals(b.x)) {
            m = a.x.square().mul(BigInteger.valueOf(3)).mul(a.y.add(a.y).inverse());
        } else {
            m = b.y.sub(a.y).mul(b.x.sub(a.x).inverse());
        }
        RefFp12 x3 = m.square().sub(a.x).sub(b.x);
        return new Point(x3, m.mul(a.x.sub(x3)).sub(a.y));
    }
}
