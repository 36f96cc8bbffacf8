package io.sensorproof.protocol.encoding;

import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ProtocolException;
import io.sensorproof.protocol.senml.Quantity;
import java.math.BigDecimal;

/**
 * Fixed-point encodings of reading values, the integers that are stored, hashed into leaves and
 * used by circuits: temperature in centi-kelvin (°C rounded half-even to 0.01, plus 27315),
 * humidity in centi-%RH, the emissions register in whole grams. Temperature and humidity codes are
 * below 2^17, register values below 2^53 (docs/protocol.md §7.2), so every encoded value is exact
 * in a double and in the leaf's value part.
 */
public final class FixedPoint {
    private FixedPoint() {
    }

    /**
     * Per quantity, the smallest double at or above its minimum and the largest at or below its maximum: for a
     * double v, v &ge; min exactly when v &ge; that double (and likewise for the maximum), so the range check
     * compares doubles and needs no {@link BigDecimal} per reading (-273.15, for one, is no double).
     */
    private static final double[] LOWEST = new double[Quantity.values().length];
    private static final double[] HIGHEST = new double[Quantity.values().length];

    static {
        for (Quantity q : Quantity.values()) {
            LOWEST[q.ordinal()] = lowestDoubleAtOrAbove(q.min());
            HIGHEST[q.ordinal()] = highestDoubleAtOrBelow(q.max());
        }
    }

    static double lowestDoubleAtOrAbove(BigDecimal bound) {
        double d = bound.doubleValue();
        while (new BigDecimal(d).compareTo(bound) < 0) {
            d = Math.nextUp(d);
        }
        while (new BigDecimal(Math.nextDown(d)).compareTo(bound) >= 0) {
            d = Math.nextDown(d);
        }
        return d;
    }

    static double highestDoubleAtOrBelow(BigDecimal bound) {
        return -lowestDoubleAtOrAbove(bound.negate());
    }

    /**
     * Encodes {@code value} (in the quantity's SenML unit).
     *
     * @throws ProtocolException {@code INVALID_VALUE} for NaN, infinities, values outside the
     *     quantity's range and fractional values of a whole-number quantity (the register)
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
     * Checks that {@code value} is finite, within the quantity's physical range, and whole for a
     * quantity kept in whole units (scale 0: the emissions register).
     *
     * @throws ProtocolException {@code INVALID_VALUE} otherwise
     */
    public static void checkRange(Quantity quantity, double value) {
        if (!Double.isFinite(value)) {
            throw new ProtocolException(ErrorCode.INVALID_VALUE,
                    quantity.senmlName() + " value " + value + " is not a finite number");
        }
        if (value < LOWEST[quantity.ordinal()] || value > HIGHEST[quantity.ordinal()]) {
            throw new ProtocolException(ErrorCode.INVALID_VALUE, quantity.senmlName() + " value " + value + " " + quantity.unit()
                    + " is outside [" + quantity.min() + ", " + quantity.max() + "]");
        }
        if (quantity.scale() == 0 && value != Math.rint(value)) {
            throw new ProtocolException(ErrorCode.INVALID_VALUE,
                    quantity.senmlName() + " value " + value + " " + quantity.unit() + " is not a whole number");
        }
    }
}
