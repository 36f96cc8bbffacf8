package io.sensorproof.oracle.batches;

import io.sensorproof.protocol.encoding.LeafEncoding;
import io.sensorproof.protocol.ids.Identifiers;
import io.sensorproof.protocol.message.MessageHeader;
import io.sensorproof.protocol.senml.SenmlCodec;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;

/**
 * One stored reading as the batcher takes it: its key, the parts of its leaf (protocol §7.4) and
 * when the gateway received it (the start of a batch's time window is its earliest reading's).
 *
 * @param key the reading's key
 * @param quantity quantity code (protocol §7.2), below 2⁸
 * @param timeMillis reading time, ms since the epoch, below 2⁴³
 * @param value fixed-point value as stored, below 2⁵³
 * @param receivedAt when the gateway received the message
 */
public record BatchReading(ReadingKey key, int quantity, long timeMillis, long value, Instant receivedAt) {
    /**
     * The order of leaves in a batch (protocol §7.5): device field, quantity code, time, boot, seq,
     * record index, ascending. The device field is the big-endian integer of the id's ASCII bytes, so
     * a shorter id sorts first; comparing the fields, not the strings, keeps that exact.
     */
    public static final Comparator<BatchReading> LEAF_ORDER = Comparator
            .comparing((BatchReading r) -> Identifiers.deviceField(r.key().deviceId()))
            .thenComparingInt(BatchReading::quantity).thenComparingLong(BatchReading::timeMillis)
            .thenComparingLong(r -> r.key().boot()).thenComparingLong(r -> r.key().seq())
            .thenComparingInt(r -> r.key().recordIndex());

    public BatchReading {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(receivedAt, "receivedAt");
    }

    /**
     * The six Poseidon inputs of this reading's leaf.
     *
     * @throws BatchException {@link BatchError#LEAF_OUT_OF_BOUNDS} when a part is outside its bound
     */
    public LeafEncoding leafInputs() {
        if (!Identifiers.isValid(key.deviceId())) {
            throw outOfBounds("device id");
        }
        if (key.boot() < 0 || key.boot() > MessageHeader.MAX_COUNTER || key.seq() < 0 || key.seq() > MessageHeader.MAX_COUNTER) {
            throw outOfBounds("boot or seq");
        }
        if (key.recordIndex() < 0 || key.recordIndex() >= SenmlCodec.MAX_RECORDS) {
            throw outOfBounds("record index");
        }
        if (quantity <= 0 || quantity > 0xFF) {
            throw outOfBounds("quantity");
        }
        if (timeMillis < 0 || timeMillis >= SenmlCodec.MAX_TIME_MILLIS) {
            throw outOfBounds("time");
        }
        if (value < 0 || value >= LeafEncoding.VALUE_BOUND.longValueExact()) {
            throw outOfBounds("value");
        }
        return new LeafEncoding(LeafEncoding.LEAF_TAG, Identifiers.deviceField(key.deviceId()),
                BigInteger.valueOf(key.boot()).shiftLeft(32).or(BigInteger.valueOf(key.seq())),
                BigInteger.valueOf(((long) key.recordIndex() << 8) | quantity),
                BigInteger.valueOf(timeMillis), BigInteger.valueOf(value));
    }

    private BatchException outOfBounds(String part) {
        return new BatchException(BatchError.LEAF_OUT_OF_BOUNDS, "reading " + key + ": " + part + " outside protocol §7.4's bound");
    }
}
