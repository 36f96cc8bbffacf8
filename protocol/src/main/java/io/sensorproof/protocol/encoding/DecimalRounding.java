package io.sensorproof.protocol.encoding;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Rounds a binary64 value to a fixed number of decimal places, half to even, as a person reading
 * the value in decimal would: the value is taken as the shortest decimal string that converts
 * back to the same double (what JavaScript's {@code Number.prototype.toString}, Python's
 * {@code repr} and Java 19+ {@code Double.toString} print), and that decimal is rounded.
 *
 * <p>So 21.015 (stored as 21.01499999999999879...) rounds to 21.02, and 0.125 to 0.12. Without a
 * shortest-decimal routine (Java 17's {@code Double.toString} is not always shortest), the same
 * result follows from: let m be the exact value rounded half-even to scale+1 places; if m converts
 * back to the same double, round m; otherwise round the exact value. This is exact whenever the
 * spacing of doubles at the value is below 10^-(scale+1), which holds for every accepted time and
 * every accepted temperature and humidity (values below 2^40 at scale 3, for instance). Emissions
 * register values (scale 0) of 2^49 g and more are outside it, but they are accepted only when
 * whole, and a whole double rounds to itself.
 */
public final class DecimalRounding {
    private DecimalRounding() {
    }

    /**
     * Rounds {@code value} to {@code scale} decimal places, half to even.
     *
     * @throws IllegalArgumentException for NaN or infinities
     */
    public static BigDecimal roundHalfEven(double value, int scale) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("not a finite number: " + value);
        }
        long units = shortUnits(value, scale);
        if (units != NOT_SHORT) {
            return BigDecimal.valueOf(units, scale);
        }
        return exactRoundHalfEven(value, scale);
    }

    /** The rule of the class by its definition, with {@link BigDecimal} only: the reference for {@link #shortUnits}. */
    static BigDecimal exactRoundHalfEven(double value, int scale) {
        BigDecimal exact = new BigDecimal(value);
        BigDecimal finer = exact.setScale(scale + 1, RoundingMode.HALF_EVEN);
        if (Double.parseDouble(finer.toPlainString()) == value) {
            return finer.setScale(scale, RoundingMode.HALF_EVEN);
        }
        return exact.setScale(scale, RoundingMode.HALF_EVEN);
    }

    /** {@code roundHalfEven(value, scale)} as an integer count of 10^-scale units. */
    public static long roundHalfEvenUnits(double value, int scale) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("not a finite number: " + value);
        }
        long units = shortUnits(value, scale);
        if (units != NOT_SHORT) {
            return units;
        }
        return exactRoundHalfEven(value, scale).unscaledValue().longValueExact();
    }

    /** {@link #shortUnits}'s answer when the value is not one it decides. */
    static final long NOT_SHORT = Long.MIN_VALUE;

    /** Powers of ten that doubles hold exactly (10^22 is the last). */
    private static final double[] POWERS_OF_TEN = new double[16];

    static {
        double p = 1;
        for (int i = 0; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = p;
            p *= 10;
        }
    }

    /**
     * The common case without {@link BigDecimal}: a value that is the double nearest to a decimal with at most
     * {@code scale} places (what a device sends when it reports 4.25 °C, and every time in whole milliseconds),
     * as that decimal's count of 10^-scale units; {@link #NOT_SHORT} for any other value, which then takes the
     * exact path.
     *
     * <p>Why the answer is the rule's: let d = u·10^-scale be a decimal whose nearest double is {@code value}. The
     * check {@code u / 10^scale == value} is exact, because u and 10^scale are doubles exactly (|u| &lt; 2^53,
     * scale &le; 15) and IEEE division rounds the exact quotient d to the nearest double. So the exact value e of
     * the double is within half its spacing of d; where that spacing is at most 16^-(scale+1) (checked, a power of
     * two below 10^-(scale+1)), e lies within less than half a unit of the (scale+1)-th place from d, so rounding
     * e half-even to scale+1 places gives d itself, d converts back to the double, and the rule rounds d to scale
     * places: d, that is u. No other decimal of scale places converts to the same double at that spacing, so a
     * candidate u that is off (from the rounding of {@code value * 10^scale}) fails the check and takes the
     * exact path.
     */
    static long shortUnits(double value, int scale) {
        if (scale < 0 || scale >= POWERS_OF_TEN.length || Math.ulp(value) > Math.scalb(1.0, -4 * (scale + 1))) {
            return NOT_SHORT;
        }
        double power = POWERS_OF_TEN[scale];
        double scaled = Math.rint(value * power);
        if (!(Math.abs(scaled) < 0x1p53) || scaled / power != value) {
            return NOT_SHORT;
        }
        return (long) scaled;
    }
}
