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
        BigDecimal exact = new BigDecimal(value);
        BigDecimal finer = exact.setScale(scale + 1, RoundingMode.HALF_EVEN);
        if (Double.parseDouble(finer.toPlainString()) == value) {
            return finer.setScale(scale, RoundingMode.HALF_EVEN);
        }
        return exact.setScale(scale, RoundingMode.HALF_EVEN);
    }

    /** {@code roundHalfEven(value, scale)} as an integer count of 10^-scale units. */
    public static long roundHalfEvenUnits(double value, int scale) {
        return roundHalfEven(value, scale).unscaledValue().longValueExact();
    }
}
