package io.sensorproof.zk.reference;

import java.math.BigInteger;
import java.util.Optional;

/** Arithmetic modulo the BN254 base-field prime p, and the curve's public constants. */
public final class RefField {
    /** Base-field modulus p. */
    public static final BigInteger P = new BigInteger(
            "21888242871839275222246405745257275088696311157297823662689037894645226208583");
    /** Prime order r of G1, G2 and GT (the scalar field). */
    public static final BigInteger R = new BigInteger(
            "21888242871839275222246405745257275088548364400416034343698204186575808495617");
    /** The BN parameter u (often written x): p = 36u^4 + 36u^3 + 24u^2 + 6u + 1. */
    public static final BigInteger U = BigInteger.valueOf(4965661367192848881L);
    /** Loop count of the optimal-ate Miller loop, 6u + 2. */
    public static final BigInteger ATE_LOOP_COUNT = U.multiply(BigInteger.valueOf(6)).add(BigInteger.TWO);

    private static final BigInteger SQRT_EXPONENT = P.add(BigInteger.ONE).shiftRight(2);

    private RefField() {
    }

    public static BigInteger add(BigInteger a, BigInteger b) {
        return a.add(b).mod(P);
    }

    public static BigInteger sub(BigInteger a, BigInteger b) {
        return a.subtract(b).mod(P);
    }

    public static BigInteger mul(BigInteger a, BigInteger b) {
        return a.multiply(b).mod(P);
    }

    public static BigInteger neg(BigInteger a) {
        return a.negate().mod(P);
    }

    public static BigInteger inv(BigInteger a) {
        return a.modInverse(P);
    }

    /** Square root modulo p (p = 3 mod 4), if a is a square. */
    public static Optional<BigInteger> sqrt(BigInteger a) {
        BigInteger root = a.modPow(SQRT_EXPONENT, P);
        return root.multiply(root).mod(P).equals(a.mod(P)) ? Optional.of(root) : Optional.empty();
    }
}
