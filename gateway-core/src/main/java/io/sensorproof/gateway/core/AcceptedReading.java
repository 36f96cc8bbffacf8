package io.sensorproof.gateway.core;

import io.sensorproof.protocol.encoding.LeafEncoding;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.SenmlCodec;
import java.time.Instant;
import java.util.Objects;

/**
 * One record of an accepted message, in the form that is stored and later committed to leaves.
 *
 * @param recordIndex 0-based index of the record in the pack
 * @param quantity what was measured
 * @param fixedValue the value's fixed-point encoding ({@code FixedPoint.encode}): centi-kelvin,
 *     centi-%RH or grams, in [0, 2^53) (the emissions register's bound, {@code LeafEncoding.VALUE_BOUND})
 * @param time the reading time (ms precision, rounded as the protocol defines)
 * @param late true when the reading was older than {@code lateAfter} when the gateway received it
 */
public record AcceptedReading(int recordIndex, Quantity quantity, long fixedValue, Instant time, boolean late) {
    private static final long MAX_VALUE_EXCLUSIVE = LeafEncoding.VALUE_BOUND.longValueExact();

    public AcceptedReading {
        if (recordIndex < 0 || recordIndex >= SenmlCodec.MAX_RECORDS) {
            throw new IllegalArgumentException("record index must be in [0, " + SenmlCodec.MAX_RECORDS + ")");
        }
        Objects.requireNonNull(quantity, "quantity");
        Objects.requireNonNull(time, "time");
        if (fixedValue < 0 || fixedValue >= MAX_VALUE_EXCLUSIVE) {
            throw new IllegalArgumentException("fixed-point value must be in [0, 2^53)");
        }
    }
}
