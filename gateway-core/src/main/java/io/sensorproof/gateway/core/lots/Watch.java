package io.sensorproof.gateway.core.lots;

import io.sensorproof.protocol.senml.Quantity;
import java.util.Map;
import java.util.Objects;

/**
 * The freeze terms for one quantity of a lot, as {@code CollateralFinancing}'s {@code Watch}: readings
 * outside [{@code lo}, {@code hi}] (fixed-point as stored, protocol §7.2: temperatures in
 * centi-kelvin, 8 °C = 28115) on at least {@code k} devices for at least {@code minDurationMs}, with
 * neighbouring readings at most {@code maxGapMs} apart, make an excursion. Durations are milliseconds.
 * {@code samplingIntervalMs} is the devices' promised interval; {@code maxAgeMs} how old a run may be
 * when it is claimed.
 */
public record Watch(Quantity quantity, long lo, long hi, long minDurationMs, long maxGapMs,
        long samplingIntervalMs, long maxAgeMs, int k) {
    public Watch {
        Objects.requireNonNull(quantity, "quantity");
    }

    /**
     * Checks the contract's rules for one watch of a lot with {@code deviceCount} devices.
     *
     * @throws LotRefusal {@link LotRefusal#INVALID_RANGE}, {@link LotRefusal#INVALID_DURATION},
     *     {@link LotRefusal#INVALID_MAX_GAP} or {@link LotRefusal#INVALID_K}
     */
    public Watch validate(int deviceCount) {
        String q = quantity.senmlName();
        if (lo > hi) {
            throw new LotRefusal(LotRefusal.INVALID_RANGE, q + ": lo " + lo + " is above hi " + hi,
                    Map.of("quantity", q, "lo", lo, "hi", hi));
        }
        requirePositive(q, "minDurationMs", minDurationMs);
        requirePositive(q, "samplingIntervalMs", samplingIntervalMs);
        requirePositive(q, "maxAgeMs", maxAgeMs);
        requirePositive(q, "maxGapMs", maxGapMs);
        // with a gap of two sampling intervals an in-range reading could hide between two out-of-range ones
        if (samplingIntervalMs > Long.MAX_VALUE / 2 || maxGapMs >= 2 * samplingIntervalMs) {
            throw new LotRefusal(LotRefusal.INVALID_MAX_GAP, q + ": maxGapMs " + maxGapMs
                    + " must be below 2 x samplingIntervalMs (" + samplingIntervalMs + ")",
                    Map.of("quantity", q, "maxGapMs", maxGapMs, "samplingIntervalMs", samplingIntervalMs));
        }
        if (k < 1 || k > deviceCount) {
            throw new LotRefusal(LotRefusal.INVALID_K, q + ": k " + k + " must be in [1, " + deviceCount + "]",
                    Map.of("quantity", q, "k", k, "devices", deviceCount));
        }
        return this;
    }

    private static void requirePositive(String quantity, String field, long value) {
        if (value <= 0) {
            throw new LotRefusal(LotRefusal.INVALID_DURATION, quantity + ": " + field + " must be positive, was " + value,
                    Map.of("quantity", quantity, "field", field, "value", value));
        }
    }
}
