package io.sensorproof.gateway.core.lots;

import java.util.Map;
import java.util.Objects;

/**
 * The terms of an emissions facility, as {@code CarbonCredit.setPeriod} takes them for each period:
 * baseline per period in kg CO₂e, the period calendar, the largest gap between register readings
 * that is not charged (ms), and the substitute rate in kg/h charged for longer gaps. Set by a verifier,
 * never by the facility's owner.
 */
public record EmissionsTerms(long baselineKg, PeriodCalendar calendar, long maxGapMs, long substituteRateKgPerHour) {
    public EmissionsTerms {
        Objects.requireNonNull(calendar, "calendar");
    }

    /**
     * Checks the contract's rules: {@code baselineKg ≥ 0}, {@code maxGapMs > 0}, and a substitute rate
     * above zero (a rate of 0 would make uncovered time free).
     *
     * @throws LotRefusal {@link LotRefusal#INVALID_EMISSIONS_TERMS}
     */
    public EmissionsTerms validate() {
        if (baselineKg < 0) {
            throw refused("baselineKg", baselineKg, "must not be negative");
        }
        if (maxGapMs <= 0) {
            throw refused("maxGapMs", maxGapMs, "must be positive");
        }
        if (substituteRateKgPerHour <= 0) {
            throw refused("substituteRateKgPerHour", substituteRateKgPerHour, "must be positive");
        }
        return this;
    }

    private static LotRefusal refused(String field, long value, String why) {
        return new LotRefusal(LotRefusal.INVALID_EMISSIONS_TERMS, field + " " + why + ", was " + value,
                Map.of("field", field, "value", value));
    }
}
