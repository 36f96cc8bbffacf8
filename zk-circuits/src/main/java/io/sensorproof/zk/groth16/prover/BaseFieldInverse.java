package io.sensorproof.zk.groth16.prover;

import io.sensorproof.zk.bn254.Fp;
import io.sensorproof.zk.bn254.Fp2;
import java.math.BigInteger;

/**
 * Inverses in F<sub>p</sub> and F<sub>p²</sub> for the batch-affine MSM windows, by the JDK's binary
 * {@link BigInteger#modInverse} on the Montgomery representation instead of {@link Fp#inverse()}'s
 * a^(p−2) (about 380 Montgomery products): one inversion per batch of bucket additions is a visible
 * share of an MSM. For x = a·R (R = 2²⁵⁶), (a·R)⁻¹ = a⁻¹·R⁻¹, and one Montgomery product with R³
 * gives a⁻¹·R, the Montgomery form of a⁻¹. {@code Fp} itself (shared with the verifier) is unchanged.
 */
final class BaseFieldInverse {
    /** Off only for the benchmark's before/after comparison. */
    static volatile boolean enabled = true;

    private static final BigInteger P = Fp.MODULUS;
    private static final Fp R3 = raw(BigInteger.ONE.shiftLeft(768).mod(P));

    private BaseFieldInverse() {
    }

    /** a⁻¹, and 0 for 0 (as {@link Fp#inverse()}). */
    static Fp of(Fp a) {
        if (!enabled) {
            return a.inverse();
        }
        if (a.isZero()) {
            return a;
        }
        return raw(toBigInteger(a).modInverse(P)).mul(R3);
    }

    /** (c0 + c1·u)⁻¹ = (c0 − c1·u)/(c0² + c1²), u² = −1, as {@link Fp2#inverse()}. */
    static Fp2 of(Fp2 a) {
        if (!enabled) {
            return a.inverse();
        }
        Fp normInverse = of(a.c0().square().add(a.c1().square()));
        return new Fp2(a.c0().mul(normInverse), a.c1().mul(normInverse).neg());
    }

    /** The element whose Montgomery limbs are v (0 ≤ v &lt; p). */
    private static Fp raw(BigInteger v) {
        return new Fp(v.longValue(), v.shiftRight(64).longValue(), v.shiftRight(128).longValue(), v.shiftRight(192).longValue());
    }

    private static BigInteger toBigInteger(Fp a) {
        byte[] be = new byte[33];
        long[] limbs = {a.l3(), a.l2(), a.l1(), a.l0()};
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 8; j++) {
                be[1 + 8 * i + j] = (byte) (limbs[i] >>> (56 - 8 * j));
            }
        }
        return new BigInteger(be);
    }
}
