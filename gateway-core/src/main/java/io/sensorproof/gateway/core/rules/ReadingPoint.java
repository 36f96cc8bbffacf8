package io.sensorproof.gateway.core.rules;

import io.sensorproof.gateway.core.AcceptedReading;
import io.sensorproof.gateway.core.MessageKey;
import io.sensorproof.protocol.senml.Quantity;
import java.util.Objects;

/**
 * One committed reading as the rules see it: what, when (device time), the fixed-point value as
 * stored, and its key.
 *
 * @param quantity what was measured
 * @param timeMillis the reading time, ms since the epoch, device clock
 * @param value the fixed-point value ({@code AcceptedReading.fixedValue}), in [0, 2^53)
 * @param key the reading's (boot, seq, recordIndex)
 */
public record ReadingPoint(Quantity quantity, long timeMillis, long value, ReadingKey key) {
    public ReadingPoint {
        Objects.requireNonNull(quantity, "quantity");
        Objects.requireNonNull(key, "key");
        if (timeMillis < 0) {
            throw new IllegalArgumentException("time must be >= 0: " + timeMillis);
        }
        if (value < 0 || value >= Checks.VALUE_BOUND) {
            throw new IllegalArgumentException("fixed-point value must be in [0, 2^53): " + value);
        }
    }

    /** The point of a committed reading of the message {@code message}. */
    public static ReadingPoint of(MessageKey message, AcceptedReading reading) {
        return new ReadingPoint(reading.quantity(), reading.time().toEpochMilli(), reading.fixedValue(),
                new ReadingKey(message.boot(), message.seq(), reading.recordIndex()));
    }
}
