package io.sensorproof.zk.claims;

import java.math.BigInteger;
import java.util.List;
import java.util.Objects;

/**
 * The public statement of an excursion proof: under {@code root}, {@value ExcursionWitness#RUN_LENGTH}
 * consecutive readings of {@code device} and {@code quantity}, taken from {@code firstTime} to
 * {@code lastTime}, all lie outside [lo, hi] (fixed-point units of docs/protocol.md §7.2, so
 * temperatures in centi-kelvin: −40 °C is 23315).
 */
public record ExcursionClaim(BigInteger root, BigInteger device, int quantity, long lo, long hi,
        BigInteger firstTime, BigInteger lastTime) {
    public ExcursionClaim {
        Objects.requireNonNull(root);
        Objects.requireNonNull(device);
        Objects.requireNonNull(firstTime);
        Objects.requireNonNull(lastTime);
        if (lo < 0 || hi >= 1L << 32 || lo >= 1L << 32 || hi < 0) {
            throw new IllegalArgumentException("lo and hi are u32 fixed-point values");
        }
    }

    /** The circuit's public inputs in ABI order. */
    public List<BigInteger> publicInputs() {
        return List.of(root, device, BigInteger.valueOf(quantity), BigInteger.valueOf(lo), BigInteger.valueOf(hi),
                firstTime, lastTime);
    }
}
