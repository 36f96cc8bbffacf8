package io.sensorproof.zk.claims;

import java.math.BigInteger;
import java.util.Objects;

/**
 * The private parts of one claim-tree slot as the claim circuits take them ({@code Slot} in
 * {@code lib/leaf.zok}): the device and quantity are the claim's public inputs and recordIndex is
 * given separately, so the circuit packs recordIndex·2⁸ + quantity itself. Only "is a field
 * element" is checked here, so tests can build slots that break every circuit bound.
 *
 * @param bootSeq boot·2³² + seq
 * @param recordIndex index of the record in its message
 * @param timeMillis measurement time in ms
 * @param value fixed-point value
 */
public record ClaimSlot(BigInteger bootSeq, BigInteger recordIndex, BigInteger timeMillis, BigInteger value) {
    /** What an empty slot carries (its leaf is 0 whatever it carries; zeros satisfy every check). */
    public static final ClaimSlot EMPTY = new ClaimSlot(BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO,
            BigInteger.ZERO);

    public ClaimSlot {
        Objects.requireNonNull(bootSeq);
        Objects.requireNonNull(recordIndex);
        Objects.requireNonNull(timeMillis);
        Objects.requireNonNull(value);
    }

    /** The leaf inputs of this slot as a reading of {@code device} and {@code quantity}. */
    public LeafFields leaf(BigInteger device, BigInteger quantity) {
        return new LeafFields(device, bootSeq, recordIndex.shiftLeft(8).add(quantity), timeMillis, value);
    }
}
