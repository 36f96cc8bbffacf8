package io.sensorproof.zk.groth16.prover;

import io.sensorproof.zk.bn254.Scalar;
import java.math.BigInteger;

/**
 * Radix-2 number-theoretic transforms over F<sub>r</sub> in natural order (input and output),
 * with the roots of unity that snarkjs (ffjavascript) uses, so that evaluations line up with
 * the zkey's H points: ω₂₈ = g^t with g the smallest quadratic non-residue ≥ 2 and
 * r − 1 = 2²⁸·t, and ω_k = ω_{k+1}². The forward transform of size 2^k evaluates a polynomial at
 * ω_k^i, the inverse interpolates (and divides by 2^k).
 */
public final class Ntt {
    /** 2-adicity of r − 1. */
    public static final int TWO_ADICITY = 28;
    private static final Fr[] ROOTS = new Fr[TWO_ADICITY + 1];
    /** The non-residue g used for the roots. */
    static final Fr NON_RESIDUE;

    static {
        BigInteger r = Scalar.ORDER;
        BigInteger half = r.subtract(BigInteger.ONE).shiftRight(1);
        Fr minusOne = Fr.ONE.neg();
        long g = 2;
        while (!Fr.of(g).pow(half).equals(minusOne)) {
            if (++g > 1000) {
                throw new IllegalStateException("no quadratic non-residue below 1000: broken field arithmetic");
            }
        }
        NON_RESIDUE = Fr.of(g);
        BigInteger t = r.subtract(BigInteger.ONE).shiftRight(TWO_ADICITY);
        ROOTS[TWO_ADICITY] = NON_RESIDUE.pow(t);
        for (int k = TWO_ADICITY - 1; k >= 0; k--) {
            ROOTS[k] = ROOTS[k + 1].square();
        }
        if (!ROOTS[0].equals(Fr.ONE) || ROOTS[1].equals(Fr.ONE)) {
            throw new IllegalStateException("bad roots of unity");
        }
    }

    private Ntt() {
    }

    /** The primitive 2^k-th root of unity ω_k of snarkjs. */
    public static Fr root(int k) {
        if (k < 0 || k > TWO_ADICITY) {
            throw new IllegalArgumentException("no 2^" + k + "-th root of unity in F_r");
        }
        return ROOTS[k];
    }

    /** In place: a ← (Σ_j a_j·ω^{ij})_i, ω = ω_k for a.length = 2^k. */
    public static void forward(Fr[] a) {
        transform(a, root(log2(a.length)));
    }

    /** In place: the inverse of {@link #forward}. */
    public static void inverse(Fr[] a) {
        int k = log2(a.length);
        transform(a, root(k).inverse());
        Fr nInv = Fr.of(a.length).inverse();
        for (int i = 0; i < a.length; i++) {
            a[i] = a[i].mul(nInv);
        }
    }

    /** In place: a_i ← a_i·g^i (moves a polynomial's coefficients to the coset g·⟨ω⟩). */
    public static void scaleByPowers(Fr[] a, Fr g) {
        Fr power = Fr.ONE;
        for (int i = 0; i < a.length; i++) {
            a[i] = a[i].mul(power);
            power = power.mul(g);
        }
    }

    /**
     * Evaluations on the domain ⟨ω_k⟩ → evaluations on the coset ω_{k+1}·⟨ω_k⟩ (the odd powers of
     * ω_{k+1}), as snarkjs's prover does before joining A·B − C; for k = 28 snarkjs would use
     * another shift, which no BN254 zkey reaches (ptau files stop at 2²⁸).
     */
    public static void toOddCoset(Fr[] evaluations) {
        int k = log2(evaluations.length);
        if (k >= TWO_ADICITY) {
            throw new IllegalArgumentException("domain 2^" + k + " too large for the odd coset");
        }
        inverse(evaluations);
        scaleByPowers(evaluations, root(k + 1));
        forward(evaluations);
    }

    static int log2(int n) {
        if (n < 1 || Integer.bitCount(n) != 1) {
            throw new IllegalArgumentException("size " + n + " is not a power of two");
        }
        return Integer.numberOfTrailingZeros(n);
    }

    /** Iterative Cooley–Tukey: bit-reversal permutation, then log n butterfly stages. */
    private static void transform(Fr[] a, Fr omega) {
        int n = a.length;
        if (n == 1) {
            return;
        }
        int bits = log2(n);
        for (int i = 0; i < n; i++) {
            int j = Integer.reverse(i) >>> (32 - bits);
            if (i < j) {
                Fr t = a[i];
                a[i] = a[j];
                a[j] = t;
            }
        }
        Fr[] twiddles = new Fr[n / 2];
        twiddles[0] = Fr.ONE;
        for (int i = 1; i < n / 2; i++) {
            twiddles[i] = twiddles[i - 1].mul(omega);
        }
        for (int half = 1; half < n; half <<= 1) {
            int stride = n / (2 * half);
            for (int start = 0; start < n; start += 2 * half) {
                for (int j = 0; j < half; j++) {
                    Fr u = a[start + j];
                    Fr v = a[start + j + half].mul(twiddles[j * stride]);
                    a[start + j] = u.add(v);
                    a[start + j + half] = u.sub(v);
                }
            }
        }
    }
}
