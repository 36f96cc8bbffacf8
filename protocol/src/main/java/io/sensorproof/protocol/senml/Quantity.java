package io.sensorproof.protocol.senml;

import java.math.BigDecimal;

/**
 * The measured quantities: SenML name, SenML unit, the code used in leaves, the accepted physical
 * range of the value, and its fixed-point encoding ({@code round_half_even(value * 10^scale) +
 * offset}).
 */
public enum Quantity {
    /** Air temperature in degrees Celsius; encoded as centi-kelvin. */
    TEMPERATURE("temperature", "Cel", 1, new BigDecimal("-273.15"), new BigDecimal("1000"), 2, 27315),
    /** Relative humidity in percent; encoded as centi-%RH. */
    HUMIDITY("humidity", "%RH", 2, BigDecimal.ZERO, new BigDecimal("100"), 2, 0),
    /**
     * Cumulative CO2-equivalent mass since the meter was commissioned (an emissions register, like
     * an energy meter's), in whole grams; encoded as grams, below 2^53. Never decreases for a device,
     * so the mass of a period is the difference of two readings and leaving readings out of a claim
     * cannot lower it. (Leaf code 3 was the retired per-interval {@code co2e} mass, ADR 017; it is
     * never reused.)
     */
    CO2E_REGISTER("co2e-register", "g", 4, BigDecimal.ZERO, new BigDecimal("9007199254740991"), 0, 0);

    private final String senmlName;
    private final String unit;
    private final int code;
    private final BigDecimal min;
    private final BigDecimal max;
    private final int scale;
    private final long offset;

    Quantity(String senmlName, String unit, int code, BigDecimal min, BigDecimal max, int scale, long offset) {
        this.senmlName = senmlName;
        this.unit = unit;
        this.code = code;
        this.min = min;
        this.max = max;
        this.scale = scale;
        this.offset = offset;
    }

    /** SenML record name ({@code n}). */
    public String senmlName() {
        return senmlName;
    }

    /** SenML unit ({@code u}), from the SenML units registry. */
    public String unit() {
        return unit;
    }

    /** Code of the quantity in leaves (1, 2, 4; 3 is retired and never reused). */
    public int code() {
        return code;
    }

    /** Lowest accepted value, inclusive, in the SenML unit. */
    public BigDecimal min() {
        return min;
    }

    /** Highest accepted value, inclusive, in the SenML unit. */
    public BigDecimal max() {
        return max;
    }

    /** Decimal digits kept by the fixed-point encoding. */
    public int scale() {
        return scale;
    }

    /** Offset added after scaling (27315 for temperature: Celsius to kelvin). */
    public long offset() {
        return offset;
    }

    /** The quantity with SenML name {@code name}, or null. */
    public static Quantity bySenmlName(String name) {
        for (Quantity q : values()) {
            if (q.senmlName.equals(name)) {
                return q;
            }
        }
        return null;
    }

    /** The quantity with leaf code {@code code}, or null. */
    public static Quantity byCode(int code) {
        for (Quantity q : values()) {
            if (q.code == code) {
                return q;
            }
        }
        return null;
    }
}
