package io.sensorproof.zk.claims;

import java.math.BigInteger;
import java.util.List;
import java.util.Objects;

/**
 * The public statement of a run claim ({@code excursion} circuit, docs/protocol.md §7.6): the
 * claim tree under {@code root} holds {@code count} readings of {@code device} and
 * {@code quantity} in strictly increasing time from {@code firstTime} to {@code lastTime}, each
 * < lo or > hi (fixed-point units of §7.2, so temperatures in centi-kelvin), neighbours at most
 * {@code maxGap} ms apart. A contract reads the excursion's proven duration as
 * lastTime − firstTime.
 */
public record RunClaim(BigInteger root, BigInteger device, int quantity, long lo, long hi, long firstTime,
        long lastTime, int count, long maxGap) {
    public RunClaim {
        Objects.requireNonNull(root);
        Objects.requireNonNull(device);
    }

    /**
     * The circuit's public inputs in order: root, device, quantity, lo, hi, firstTime, lastTime,
     * count, maxGap.
     */
    public List<BigInteger> publicInputs() {
        return List.of(root, device, BigInteger.valueOf(quantity), BigInteger.valueOf(lo), BigInteger.valueOf(hi),
                BigInteger.valueOf(firstTime), BigInteger.valueOf(lastTime), BigInteger.valueOf(count),
                BigInteger.valueOf(maxGap));
    }
}
