package io.sensorproof.zk.bn254;

/**
 * The Miller-loop line coefficients of one G2 point, computed once. A fixed point (a
 * verification key's β, γ, δ) is prepared when the key is loaded, so verifying costs no G2
 * arithmetic for it; the proof's B is prepared per verification.
 *
 * <p>Each line is stored as (A, B, C) ∈ F<sub>p<sup>2</sup></sub>³ such that its value at a G1
 * point P is, up to an F<sub>p<sup>2</sup></sub> factor that the final exponentiation removes,
 * A·y_P + B·x_P·w + C·w³. The running point T is kept in homogeneous projective coordinates
 * (x = X/Z, y = Y/Z), so no inversion is needed.
 */
public final class G2Prepared {
    /** Signed binary (NAF) digits of 6u + 2, most significant first. */
    static final int[] ATE_NAF = {1, 0, -1, 0, 1, 0, 0, 0, -1, 0, -1, 0, 0, 0, -1, 0, 1, 0, -1, 0, 0, -1, 0, 0, 0, 0,
        0, 1, 0, 0, -1, 0, 1, 0, 0, -1, 0, 0, 0, 0, -1, 0, 1, 0, 0, 0, -1, 0, -1, 0, 0, 1, 0, 0, 0, -1, 0, 0, -1, 0,
        1, 0, 1, 0, 0, 0};
    private static final Fp2 THREE_B = G2Point.B.dbl().add(G2Point.B);
    private static final Fp INV_TWO = Fp.of(2).inverse();

    private final boolean infinity;
    final Fp2[] a;
    final Fp2[] b;
    final Fp2[] c;

    private G2Prepared(boolean infinity, Fp2[] a, Fp2[] b, Fp2[] c) {
        this.infinity = infinity;
        this.a = a;
        this.b = b;
        this.c = c;
    }

    /** Number of lines: one per doubling, one per non-zero digit, two Frobenius lines. */
    static int lineCount() {
        int count = 2;
        for (int i = 1; i < ATE_NAF.length; i++) {
            count += ATE_NAF[i] == 0 ? 1 : 2;
        }
        return count;
    }

    public boolean isInfinity() {
        return infinity;
    }

    /** Prepares a point already checked to lie in G2. */
    public static G2Prepared of(G2Point q) {
        if (q.infinity()) {
            return new G2Prepared(true, null, null, null);
        }
        int n = lineCount();
        Fp2[] a = new Fp2[n];
        Fp2[] b = new Fp2[n];
        Fp2[] c = new Fp2[n];
        G2Point negQ = q.neg();
        Fp2 tx = q.x();
        Fp2 ty = q.y();
        Fp2 tz = Fp2.ONE;
        int k = 0;
        for (int i = 1; i < ATE_NAF.length; i++) {
            // Doubling (Costello–Lange–Naehrig): the tangent at T, scaled by −2y·Z³.
            Fp2 xy = tx.mul(ty).mul(INV_TWO);
            Fp2 yy = ty.square();
            Fp2 zz = tz.square();
            Fp2 e = THREE_B.mul(zz);
            Fp2 f = e.dbl().add(e);
            Fp2 g = yy.add(f).mul(INV_TWO);
            Fp2 h = ty.add(tz).square().sub(yy.add(zz));
            Fp2 xx = tx.square();
            a[k] = h.neg();
            b[k] = xx.dbl().add(xx);
            c[k] = e.sub(yy);
            k++;
            Fp2 ee = e.square();
            tx = xy.mul(yy.sub(f));
            ty = g.square().sub(ee.dbl().add(ee));
            tz = yy.mul(h);
            if (ATE_NAF[i] != 0) {
                Fp2[] t = addStep(tx, ty, tz, ATE_NAF[i] > 0 ? q : negQ, a, b, c, k++);
                tx = t[0];
                ty = t[1];
                tz = t[2];
            }
        }
        G2Point q1 = q.psi();
        G2Point q2 = q1.psi().neg();
        Fp2[] t = addStep(tx, ty, tz, q1, a, b, c, k++);
        addStep(t[0], t[1], t[2], q2, a, b, c, k);
        return new G2Prepared(false, a, b, c);
    }

    /**
     * Mixed addition T + Q with the line through T and Q, scaled by λ = X − x_Q·Z:
     * A = λ, B = −θ, C = θ·x_Q − λ·y_Q with θ = Y − y_Q·Z.
     */
    private static Fp2[] addStep(Fp2 tx, Fp2 ty, Fp2 tz, G2Point q, Fp2[] a, Fp2[] b, Fp2[] c, int k) {
        Fp2 theta = ty.sub(q.y().mul(tz));
        Fp2 lambda = tx.sub(q.x().mul(tz));
        a[k] = lambda;
        b[k] = theta.neg();
        c[k] = theta.mul(q.x()).sub(lambda.mul(q.y()));
        Fp2 cc = theta.square();
        Fp2 d = lambda.square();
        Fp2 e = lambda.mul(d);
        Fp2 f = tz.mul(cc);
        Fp2 g = tx.mul(d);
        Fp2 h = e.add(f).sub(g.dbl());
        return new Fp2[] {lambda.mul(h), theta.mul(g.sub(h)).sub(e.mul(ty)), tz.mul(e)};
    }
}
