package io.sensorproof.zk.claims;

import io.sensorproof.zk.bn254.Scalar;
import io.sensorproof.zk.poseidon.Poseidon;
import java.math.BigInteger;
import java.util.List;
import java.util.Objects;

/**
 * The five field elements after the tag in a leaf, exactly as they are hashed:
 * {@code leaf = Poseidon(1, device, bootSeq, indexQuantity, timeMillis, value)}. Only "is a field
 * element" is checked here; the bounds of the parts are what the circuits check (and what the claim
 * builders check on a {@link CommittedReading}), so tests can build leaves that break them.
 *
 * @param device device id as a field element
 * @param bootSeq boot·2³² + seq
 * @param indexQuantity recordIndex·2⁸ + quantity code
 * @param timeMillis measurement time in ms since the epoch
 * @param value fixed-point value
 */
public record LeafFields(BigInteger device, BigInteger bootSeq, BigInteger indexQuantity, BigInteger timeMillis,
        BigInteger value) {
    /** Domain tag of leaves. */
    public static final BigInteger LEAF_TAG = BigInteger.ONE;

    public LeafFields {
        for (BigInteger part : new BigInteger[] {device, bootSeq, indexQuantity, timeMillis, value}) {
            Objects.requireNonNull(part);
            if (part.signum() < 0 || part.compareTo(Scalar.ORDER) >= 0) {
                throw new IllegalArgumentException("leaf part is not a field element: " + part);
            }
        }
    }

    /** The six Poseidon inputs, tag first. */
    public List<BigInteger> inputs() {
        return List.of(LEAF_TAG, device, bootSeq, indexQuantity, timeMillis, value);
    }

    /** The leaf hash. */
    public BigInteger hash() {
        return Poseidon.hash(inputs());
    }
}
