package io.sensorproof.zk.bn254;

import java.util.List;

/**
 * Optimal-ate pairing on BN254: a multi-Miller loop over prepared G2 points, sharing one
 * squaring chain, and one final exponentiation.
 */
public final class Pairing {
    /** NAF digits of u, most significant first. */
    private static final int[] U_NAF = naf(G2Point.U);

    private Pairing() {
    }

    /** One pair (P, Q) of the product Π e(P_i, Q_i); P affine, Q prepared. */
    public record Pair(G1Point p, G2Prepared q) {
    }

    public static Fp12 pairing(G1Point p, G2Point q) {
        return finalExponentiation(millerLoop(List.of(new Pair(p, G2Prepared.of(q)))));
    }

    /** True when Π e(P_i, Q_i) = 1, the EIP-197 pairing check; Q_i must be in G2. */
    public static boolean pairingCheck(List<Pair> pairs) {
        return finalExponentiation(millerLoop(pairs)).isOne();
    }

    /** Product of the Miller-loop values f_{6u+2,Q_i}(P_i) with the two Frobenius lines. */
    public static Fp12 millerLoop(List<Pair> pairs) {
        int n = 0;
        for (Pair pair : pairs) {
            if (!pair.p().infinity() && !pair.q().isInfinity()) {
                n++;
            }
        }
        Fp[] xs = new Fp[n];
        Fp[] ys = new Fp[n];
        G2Prepared[] qs = new G2Prepared[n];
        int j = 0;
        for (Pair pair : pairs) {
            if (!pair.p().infinity() && !pair.q().isInfinity()) {
                xs[j] = pair.p().x();
                ys[j] = pair.p().y();
                qs[j] = pair.q();
                j++;
            }
        }
        Fp12 f = Fp12.ONE;
        if (n == 0) {
            return f;
        }
        int k = 0;
        int[] naf = G2Prepared.ATE_NAF;
        for (int i = 1; i < naf.length; i++) {
            if (i > 1) {
                f = f.square();
            }
            f = lines(f, xs, ys, qs, k++);
            if (naf[i] != 0) {
                f = lines(f, xs, ys, qs, k++);
            }
        }
        f = lines(f, xs, ys, qs, k++);
        return lines(f, xs, ys, qs, k);
    }

    private static Fp12 lines(Fp12 f, Fp[] xs, Fp[] ys, G2Prepared[] qs, int k) {
        for (int j = 0; j < qs.length; j++) {
            G2Prepared q = qs[j];
            f = f.mulByLine(q.a[k].mul(ys[j]), q.b[k].mul(xs[j]), q.c[k]);
        }
        return f;
    }

    /**
     * f^((p¹² − 1)/r). Easy part f^((p⁶ − 1)(p² + 1)) by conjugation, inversion and Frobenius;
     * hard part (p⁴ − p² + 1)/r = λ₀ + λ₁p + λ₂p² + λ₃p³ with λ₃ = 1, λ₂ = 6u² + 1,
     * λ₁ = −36u³ − 18u² − 12u + 1, λ₀ = −36u³ − 30u² − 18u − 2 (checked in tests), from f^u,
     * f^(u²), f^(u³) with cyclotomic squarings. The result is exactly f^((p¹² − 1)/r).
     */
    public static Fp12 finalExponentiation(Fp12 f) {
        Fp12 t = f.conjugate().mul(f.inverse());
        t = t.frobenius(2).mul(t);
        Fp12 fu = cyclotomicPowU(t);
        Fp12 fu2 = cyclotomicPowU(fu);
        Fp12 fu3 = cyclotomicPowU(fu2);
        Fp12 fu3p4 = fu3.cyclotomicSquare().cyclotomicSquare();
        Fp12 fu3p36 = fu3p4.cyclotomicSquare().cyclotomicSquare().cyclotomicSquare().mul(fu3p4);
        Fp12 fu2p2 = fu2.cyclotomicSquare();
        Fp12 fu2p6 = fu2p2.cyclotomicSquare().mul(fu2p2);
        Fp12 fu2p12 = fu2p6.cyclotomicSquare();
        Fp12 fu2p18 = fu2p12.mul(fu2p6);
        Fp12 fu2p30 = fu2p18.mul(fu2p12);
        Fp12 fup2 = fu.cyclotomicSquare();
        Fp12 fup6 = fup2.cyclotomicSquare().mul(fup2);
        Fp12 fup12 = fup6.cyclotomicSquare();
        Fp12 fup18 = fup12.mul(fup6);
        Fp12 lambda3 = t.frobenius(3);
        Fp12 lambda2 = fu2p6.mul(t).frobenius(2);
        Fp12 lambda1 = fu3p36.mul(fu2p18).mul(fup12).conjugate().mul(t).frobenius(1);
        Fp12 lambda0 = fu3p36.mul(fu2p30).mul(fup18).mul(t.cyclotomicSquare()).conjugate();
        return lambda0.mul(lambda1).mul(lambda2).mul(lambda3);
    }

    /** x^u in the cyclotomic subgroup, where x⁻¹ is the conjugate. */
    static Fp12 cyclotomicPowU(Fp12 x) {
        Fp12 inverse = x.conjugate();
        Fp12 acc = x;
        for (int i = 1; i < U_NAF.length; i++) {
            acc = acc.cyclotomicSquare();
            if (U_NAF[i] > 0) {
                acc = acc.mul(x);
            } else if (U_NAF[i] < 0) {
                acc = acc.mul(inverse);
            }
        }
        return acc;
    }

    /** Non-adjacent form of a positive long, most significant digit first. */
    static int[] naf(long k) {
        int[] digits = new int[66];
        int n = 0;
        long v = k;
        while (v != 0) {
            int d = 0;
            if ((v & 1) != 0) {
                d = 2 - (int) (v & 3);
                v -= d;
            }
            digits[n++] = d;
            v >>>= 1;
        }
        int[] result = new int[n];
        for (int i = 0; i < n; i++) {
            result[i] = digits[n - 1 - i];
        }
        return result;
    }
}
