package io.sensorproof.oracle.audit;

import java.math.BigInteger;
import java.util.List;

/**
 * An anchored claim as {@code AnchorRegistry.runClaim(id)} or {@code emissionsClaim(id)} returns it: its nine
 * public inputs in circuit order (run: root, device, quantity, lo, hi, firstTime, lastTime, count, maxGap;
 * emissions: root, device, firstTime, firstTotal, lastTime, lastTotal, count, maxGap, gapTime) and the block
 * time it was anchored at. What the claim audit compares the gateway's record with.
 *
 * @param inputs the nine public inputs the verifier accepted
 * @param anchoredAt block timestamp of the anchoring (Unix seconds)
 */
public record ChainClaim(List<BigInteger> inputs, long anchoredAt) {
    public ChainClaim {
        inputs = List.copyOf(inputs);
        if (inputs.size() != 9) {
            throw new IllegalArgumentException("a claim has nine public inputs, not " + inputs.size());
        }
    }
}
