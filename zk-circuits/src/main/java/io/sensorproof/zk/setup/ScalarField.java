package io.sensorproof.zk.setup;

import io.sensorproof.zk.bn254.Scalar;
import java.math.BigInteger;

/**
 * The BN254 scalar field F<sub>r</sub> on {@link BigInteger} (the setup needs a few hundred
 * thousand products, not millions) and its 2-adic roots of unity, chosen exactly as ffjavascript
 * (snarkjs) chooses them: r − 1 = 2²⁸·t, the non-residue {@code nqr} is the smallest integer ≥ 2
 * with nqr^((r−1)/2) ≠ 1, ω₂₈ = nqr^t and ω<sub>k</sub> = ω<sub>k+1</sub>².
 */
final class ScalarField {
    static final BigInteger R = Scalar.ORDER;
    /** Largest k with 2^k | r − 1. */
    static final int TWO_ADICITY = 28;
    private static final BigInteger[] ROOTS = new BigInteger[TWO_ADICITY + 1];

    static {
        BigInteger rMinus1 = R.subtract(BigInteger.ONE);
        BigInteger t = rMinus1.shiftRight(TWO_ADICITY);
        BigInteger nqr = BigInteger.TWO;
        while (nqr.modPow(rMinus1.shiftRight(1), R).equals(BigInteger.ONE)) {
            nqr = nqr.add(BigInteger.ONE);
        }
        ROOTS[TWO_ADICITY] = nqr.modPow(t, R);
        for (int k = TWO_ADICITY - 1; k >= 0; k--) {
            ROOTS[k] = ROOTS[k + 1].multiply(ROOTS[k + 1]).mod(R);
        }
    }

    private ScalarField() {
    }

    /** The primitive 2^k-th root of unity snarkjs uses for a domain of 2^k points. */
    static BigInteger rootOfUnity(int k) {
        if (k < 0 || k > TWO_ADICITY) {
            throw new IllegalArgumentException("no 2^" + k + "-th root of unity in F_r");
        }
        return ROOTS[k];
    }

    static BigInteger mul(BigInteger a, BigInteger b) {
        return a.multiply(b).mod(R);
    }

    static BigInteger inverse(BigInteger a) {
        return a.modInverse(R);
    }

    /** [1, x, x², …, x^(n−1)]. */
    static BigInteger[] powers(BigInteger x, int n) {
        BigInteger[] result = new BigInteger[n];
        BigInteger acc = BigInteger.ONE;
        for (int i = 0; i < n; i++) {
            result[i] = acc;
            acc = mul(acc, x);
        }
        return result;
    }

    /** Element-wise inverses with one field inversion (Montgomery's trick); no element may be 0. */
    static BigInteger[] batchInverse(BigInteger[] values) {
        int n = values.length;
        BigInteger[] prefix = new BigInteger[n];
        BigInteger acc = BigInteger.ONE;
        for (int i = 0; i < n; i++) {
            if (values[i].signum() == 0) {
                throw new ArithmeticException("zero has no inverse");
            }
            prefix[i] = acc;
            acc = mul(acc, values[i]);
        }
        BigInteger inv = inverse(acc);
        BigInteger[] result = new BigInteger[n];
        for (int i = n - 1; i >= 0; i--) {
            result[i] = mul(inv, prefix[i]);
            inv = mul(inv, values[i]);
        }
        return result;
    }

    /**
     * The Lagrange basis of the domain of the 2^k-th roots of unity evaluated at x:
     * L_i(x) = (ω^i / n)·(xⁿ − 1)/(x − ω^i), i.e. the inverse DFT of [1, x, …, x^(n−1)], which is
     * what snarkjs' {@code lagrangeEvaluations} computes in the exponent. x must not be a root of unity.
     */
    static BigInteger[] lagrangeAt(BigInteger x, int k) {
        int n = 1 << k;
        BigInteger omega = rootOfUnity(k);
        BigInteger[] omegaPowers = powers(omega, n);
        BigInteger[] denominators = new BigInteger[n];
        for (int i = 0; i < n; i++) {
            denominators[i] = x.subtract(omegaPowers[i]).mod(R);
        }
        BigInteger[] inverses = batchInverse(denominators);
        BigInteger factor = mul(x.modPow(BigInteger.valueOf(n), R).subtract(BigInteger.ONE).mod(R),
                inverse(BigInteger.valueOf(n)));
        BigInteger[] result = new BigInteger[n];
        for (int i = 0; i < n; i++) {
            result[i] = mul(factor, mul(omegaPowers[i], inverses[i]));
        }
        return result;
    }

    /**
     * The inverse DFT of [1, x, …, x^(n−2), 0] (n = 2^k): the last power left out, as snarkjs'
     * {@code preparephase2} does for the extra domain of the τ·G1 section, whose 2^k-th power is
     * not in the file. Equals L_i(x) − (1/n)·ω^i·x^(n−1).
     */
    static BigInteger[] lagrangeAtWithoutLastPower(BigInteger x, int k) {
        int n = 1 << k;
        BigInteger[] full = lagrangeAt(x, k);
        BigInteger omega = rootOfUnity(k);
        BigInteger last = mul(x.modPow(BigInteger.valueOf(n - 1), R), inverse(BigInteger.valueOf(n)));
        BigInteger omegaI = BigInteger.ONE;
        for (int i = 0; i < n; i++) {
            full[i] = full[i].subtract(mul(omegaI, last)).mod(R);
            omegaI = mul(omegaI, omega);
        }
        return full;
    }
}
