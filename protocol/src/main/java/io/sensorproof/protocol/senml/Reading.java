package io.sensorproof.protocol.senml;

import io.sensorproof.protocol.encoding.FixedPoint;
import java.util.Objects;

/**
 * One SenML record of a pack: a quantity, its value in the quantity's SenML unit, and the absolute
 * time of the measurement in milliseconds since the Unix epoch (UTC).
 *
 * @param quantity what was measured
 * @param value the value as sent (may be out of range until {@link #checkValue()} passes)
 * @param timeMillis measurement time, ms since 1970-01-01T00:00:00Z
 */
public record Reading(Quantity quantity, double value, long timeMillis) {
    public Reading {
        Objects.requireNonNull(quantity, "quantity");
    }

    /**
     * Checks the value against the quantity's range.
     *
     * @throws io.sensorproof.protocol.ProtocolException {@code INVALID_VALUE}
     */
    public void checkValue() {
        FixedPoint.checkRange(quantity, value);
    }

    /** The fixed-point encoding of the value (see {@link FixedPoint}). */
    public long fixedValue() {
        return FixedPoint.encode(quantity, value);
    }
}
