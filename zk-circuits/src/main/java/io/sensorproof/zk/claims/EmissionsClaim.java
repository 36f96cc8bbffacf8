package io.sensorproof.zk.claims;

import java.math.BigInteger;
import java.util.List;
import java.util.Objects;

/**
 * The public statement of an emissions claim ({@code emissions} circuit, docs/protocol.md §7.6):
 * the claim tree under {@code root} holds {@code count} co2e-register readings of {@code device} in
 * strictly increasing time whose values never decrease, from (firstTime, firstTotal) to
 * (lastTime, lastTotal); {@code gapTime} is the sum of the neighbour gaps longer than
 * {@code maxGap} ms. The mass of the period is lastTotal − firstTotal grams; a contract charges
 * gapTime at its substitute rate and chains claims by their shared boundary reading.
 */
public record EmissionsClaim(BigInteger root, BigInteger device, long firstTime, long firstTotal, long lastTime,
        long lastTotal, int count, long maxGap, long gapTime) {
    public EmissionsClaim {
        Objects.requireNonNull(root);
        Objects.requireNonNull(device);
    }

    /**
     * The circuit's public inputs in order: root, device, firstTime, firstTotal, lastTime,
     * lastTotal, count, maxGap, gapTime.
     */
    public List<BigInteger> publicInputs() {
        return List.of(root, device, BigInteger.valueOf(firstTime), BigInteger.valueOf(firstTotal),
                BigInteger.valueOf(lastTime), BigInteger.valueOf(lastTotal), BigInteger.valueOf(count),
                BigInteger.valueOf(maxGap), BigInteger.valueOf(gapTime));
    }
}
