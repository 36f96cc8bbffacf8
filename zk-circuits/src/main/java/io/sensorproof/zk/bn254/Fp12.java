package io.sensorproof.zk.bn254;

import java.math.BigInteger;

/**
 * Element c0 + c1·w of F<sub>p<sup>12</sup></sub> = F<sub>p<sup>6</sup></sub>[w] / (w² − v).
 *
 * <p>Seen over F<sub>p<sup>2</sup></sub> with w⁶ = ξ, the coefficients of w⁰…w⁵ are
 * c0.c0, c1.c0, c0.c1, c1.c1, c0.c2, c1.c2; the Frobenius map and the cyclotomic squaring use
 * that view.
 */
public record Fp12(Fp6 c0, Fp6 c1) {
    public static final Fp12 ONE = new Fp12(Fp6.ONE, Fp6.ZERO);

    /** γ[k][i] = ξ^(i·(p^k − 1)/6) for k = 1, 2, 3 and i = 0…5 (index k − 1). */
    private static final Fp2[][] FROBENIUS = frobeniusConstants();

    private static Fp2[][] frobeniusConstants() {
        Fp2 xi = new Fp2(Fp.of(9), Fp.ONE);
        Fp2[][] gamma = new Fp2[3][6];
        for (int k = 1; k <= 3; k++) {
            BigInteger e = Fp.MODULUS.pow(k).subtract(BigInteger.ONE).divide(BigInteger.valueOf(6));
            Fp2 base = xi.pow(e);
            Fp2 acc = Fp2.ONE;
            for (int i = 0; i < 6; i++) {
                gamma[k - 1][i] = acc;
                acc = acc.mul(base);
            }
        }
        return gamma;
    }

    public boolean isOne() {
        return equals(ONE);
    }

    public Fp12 mul(Fp12 o) {
        Fp6 v0 = c0.mul(o.c0);
        Fp6 v1 = c1.mul(o.c1);
        Fp6 d1 = c0.add(c1).mul(o.c0.add(o.c1)).sub(v0).sub(v1);
        return new Fp12(v0.add(v1.mulByV()), d1);
    }

    /** Complex squaring: two F<sub>p<sup>6</sup></sub> products. */
    public Fp12 square() {
        Fp6 ab = c0.mul(c1);
        Fp6 d0 = c0.add(c1).mul(c0.add(c1.mulByV())).sub(ab).sub(ab.mulByV());
        return new Fp12(d0, ab.dbl());
    }

    /**
     * Product with a line value a + (b + c·v)·w, where a, b and c are the line coefficients
     * already scaled by the G1 point's coordinates.
     */
    public Fp12 mulByLine(Fp2 a, Fp2 b, Fp2 c) {
        Fp6 v0 = c0.mul(a);
        Fp6 v1 = c1.mulBy01(b, c);
        Fp6 d1 = c0.add(c1).mulBy01(a.add(b), c).sub(v0).sub(v1);
        return new Fp12(v0.add(v1.mulByV()), d1);
    }

    /** x ↦ x^(p⁶): negates the w part; the inverse of elements of the cyclotomic subgroup. */
    public Fp12 conjugate() {
        return new Fp12(c0, c1.neg());
    }

    public Fp12 inverse() {
        Fp6 normInverse = c0.square().sub(c1.square().mulByV()).inverse();
        return new Fp12(c0.mul(normInverse), c1.mul(normInverse).neg());
    }

    /** x ↦ x^(p^k) for k = 1, 2, 3. */
    public Fp12 frobenius(int k) {
        Fp2[] gamma = FROBENIUS[k - 1];
        boolean odd = (k & 1) == 1;
        return new Fp12(
                new Fp6(frob(c0.c0(), odd, gamma[0]), frob(c0.c1(), odd, gamma[2]), frob(c0.c2(), odd, gamma[4])),
                new Fp6(frob(c1.c0(), odd, gamma[1]), frob(c1.c1(), odd, gamma[3]), frob(c1.c2(), odd, gamma[5])));
    }

    private static Fp2 frob(Fp2 a, boolean conjugate, Fp2 gamma) {
        return (conjugate ? a.conjugate() : a).mul(gamma);
    }

    /**
     * Granger–Scott squaring, valid only in the cyclotomic subgroup (elements with
     * x^(p⁶+1)·… = 1, i.e. after the easy part of the final exponentiation). Writing x = a + b·w
     * + c·w² over F<sub>p<sup>4</sup></sub> = F<sub>p<sup>2</sup></sub>[s]/(s² − ξ), s = w³:
     * a' = 3a² − 2ā, b' = 3s·c² + 2b̄, c' = 3b² − 2c̄.
     */
    public Fp12 cyclotomicSquare() {
        Fp2 g0 = c0.c0();
        Fp2 g1 = c0.c1();
        Fp2 g2 = c0.c2();
        Fp2 h0 = c1.c0();
        Fp2 h1 = c1.c1();
        Fp2 h2 = c1.c2();
        // a = g0 + h1·s, b = h0 + g2·s, c = g1 + h2·s
        Fp2 t0 = g0.square();
        Fp2 t1 = h1.square();
        Fp2 a0 = t1.mulByXi().add(t0);
        Fp2 a1 = g0.add(h1).square().sub(t0).sub(t1);
        t0 = h0.square();
        t1 = g2.square();
        Fp2 b0 = t1.mulByXi().add(t0);
        Fp2 b1 = h0.add(g2).square().sub(t0).sub(t1);
        t0 = g1.square();
        t1 = h2.square();
        Fp2 cc0 = t1.mulByXi().add(t0);
        Fp2 cc1 = g1.add(h2).square().sub(t0).sub(t1);
        Fp2 cc1Xi = cc1.mulByXi();
        return new Fp12(
                new Fp6(a0.sub(g0).dbl().add(a0), b0.sub(g1).dbl().add(b0), cc0.sub(g2).dbl().add(cc0)),
                new Fp6(cc1Xi.add(h0).dbl().add(cc1Xi), a1.add(h1).dbl().add(a1), b1.add(h2).dbl().add(b1)));
    }

    /** Generic square-and-multiply; used for constants and tests, not in the verifier's hot path. */
    public Fp12 pow(BigInteger e) {
        Fp12 result = ONE;
        for (int i = e.bitLength() - 1; i >= 0; i--) {
            result = result.square();
            if (e.testBit(i)) {
                result = result.mul(this);
            }
        }
        return result;
    }
}
