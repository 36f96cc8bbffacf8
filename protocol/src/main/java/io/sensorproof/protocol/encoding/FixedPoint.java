package io.sensorproof.protocol.encoding;

import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ProtocolException;
import io.sensorproof.protocol.senml.Quantity;
import java.math.BigDecimal;

/**
 * Fixed-point encodings of reading values, the integers that are stored, hashed into leaves and
 * used by circuits: temperature in centi-kelvin (°C rounded half-even to 0.01, plus 27315),
 * humidity in centi-%RH, CO2e in grams. All encoded values are in [0, 2^32).
 */
public final class FixedPoint {
    private FixedPoint() {
    }

    /**
     * Encodes {@code value} (in the quantity's SenML unit).
     *
     * @throws ProtocolException {@code INVALID_VALUE} for NaN, infinities and values outside the
     *     quantity's range
     */
    public static long encode(Quantity quantity, double value) {
        checkRange(quantity, value);
        long units = DecimalRounding.roundHalfEvenUnits(value, quantity.scale());
        return units + quantity.offset();
    }

    /** The decimal value (in the SenML unit) that {@code encoded} stands for. */
    public static BigDecimal decode(Quantity quantity, long encoded) {
        return BigDecimal.valueOf(encoded - quantity.offset(), quantity.scale());
    }

    /**
     * Checks that {@code value} is finite and within the quantity's physical range.
     *
     * @throws ProtocolException {@code INVALID_VALUE} otherwise
     */
    public static void checkRange(Quantity quantity, double value) {
        if (!Double.isFinite(value)) {
            throw new ProtocolException(ErrorCode.INVALID_VALUE,
                    quantity.senmlName() + " value " + value + " is not a finite number");
        }
        BigDecimal v = new BigDecimal(value);
        if (v.compareTo(quantity.min()) < 0 || v.compareTo(quantity.max()) > 0) {
            throw new ProtocolException(ErrorCode.INVALID_VALUE, quantity.senmlName() + " value " + value + " " + quantity.unit()
                    + " is outside [" + quantity.min() + ", " + quantity.max() + "]");
        }
    }
}
