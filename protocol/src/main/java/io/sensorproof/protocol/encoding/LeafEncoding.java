package io.sensorproof.protocol.encoding;

import io.sensorproof.protocol.ids.Identifiers;
import io.sensorproof.protocol.message.MessageHeader;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.SenmlCodec;
import java.math.BigInteger;
import java.util.List;
import java.util.Objects;

/**
 * The six Poseidon inputs of a reading's leaf, each a bounded integer (the circuits range-check
 * every packed part, the time and the value; docs/protocol.md §7.4–7.6):
 *
 * <pre>
 * leaf = Poseidon(LEAF_TAG, device, boot * 2^32 + seq, recordIndex * 2^8 + quantity, timeMillis, value)
 * node = Poseidon(NODE_TAG, left, right)
 * </pre>
 *
 * <table>
 *   <caption>Bounds</caption>
 *   <tr><td>device</td><td>{@link Identifiers#deviceField(String)}, &lt; 2^248</td></tr>
 *   <tr><td>boot, seq</td><td>each &lt; 2^32, so the packed value is &lt; 2^64</td></tr>
 *   <tr><td>recordIndex, quantity</td><td>each &lt; 2^8, packed &lt; 2^16</td></tr>
 *   <tr><td>timeMillis</td><td>&lt; 2^43</td></tr>
 *   <tr><td>value</td><td>{@link FixedPoint} encoding, &lt; 2^53</td></tr>
 * </table>
 *
 * <p>A leaf names one record of one message, so two readings never share a leaf; the tags keep
 * leaves, inner nodes and the empty leaf apart.
 *
 * @param tag {@link #LEAF_TAG}
 * @param device device id as a field element
 * @param bootSeq boot * 2^32 + seq
 * @param indexQuantity recordIndex * 2^8 + quantity code
 * @param timeMillis measurement time
 * @param value fixed-point value
 */
public record LeafEncoding(BigInteger tag, BigInteger device, BigInteger bootSeq, BigInteger indexQuantity,
        BigInteger timeMillis, BigInteger value) {
    /** Domain tag of leaves. */
    public static final BigInteger LEAF_TAG = BigInteger.ONE;
    /** Domain tag of inner nodes. */
    public static final BigInteger NODE_TAG = BigInteger.TWO;
    /** The value of an empty leaf (no Poseidon output of a tagged input is known to equal it). */
    public static final BigInteger EMPTY_LEAF = BigInteger.ZERO;
    /** Exclusive upper bound of the value part. */
    public static final BigInteger VALUE_BOUND = BigInteger.ONE.shiftLeft(53);

    public LeafEncoding {
        Objects.requireNonNull(tag);
        Objects.requireNonNull(device);
        Objects.requireNonNull(bootSeq);
        Objects.requireNonNull(indexQuantity);
        Objects.requireNonNull(timeMillis);
        Objects.requireNonNull(value);
    }

    /**
     * The leaf inputs of record {@code recordIndex} of a message.
     *
     * @param fixedValue the {@link FixedPoint} encoding of the value
     */
    public static LeafEncoding of(String deviceId, long boot, long seq, int recordIndex, Quantity quantity,
            long timeMillis, long fixedValue) {
        if (boot < 0 || boot > MessageHeader.MAX_COUNTER || seq < 0 || seq > MessageHeader.MAX_COUNTER) {
            throw new IllegalArgumentException("boot and seq must be in [0, 2^32)");
        }
        if (recordIndex < 0 || recordIndex >= SenmlCodec.MAX_RECORDS) {
            throw new IllegalArgumentException("record index must be in [0, " + SenmlCodec.MAX_RECORDS + ")");
        }
        if (timeMillis < 0 || timeMillis >= SenmlCodec.MAX_TIME_MILLIS) {
            throw new IllegalArgumentException("time must be in [0, 2^43) ms");
        }
        if (fixedValue < 0 || fixedValue >= VALUE_BOUND.longValueExact()) {
            throw new IllegalArgumentException("fixed-point value must be in [0, 2^53)");
        }
        return new LeafEncoding(LEAF_TAG, Identifiers.deviceField(deviceId),
                BigInteger.valueOf(boot).shiftLeft(32).or(BigInteger.valueOf(seq)),
                BigInteger.valueOf(((long) recordIndex << 8) | quantity.code()),
                BigInteger.valueOf(timeMillis), BigInteger.valueOf(fixedValue));
    }

    /** The six inputs in Poseidon order. */
    public List<BigInteger> inputs() {
        return List.of(tag, device, bootSeq, indexQuantity, timeMillis, value);
    }
}
