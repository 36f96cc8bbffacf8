package io.sensorproof.oracle.bundle;

import java.math.BigInteger;
import java.util.List;
import java.util.Objects;

/**
 * A carbon period's terms as {@code CarbonCredit.setPeriod} fixes them (docs/contracts.md): the
 * period [start, end) in Unix seconds, the baseline (kg CO₂e), the maxGap (ms) and substitute rate
 * (kg/h) that charge missing data, and the devices that report for it.
 */
public record CarbonPeriod(long start, long end, long baselineKg, long maxGap, long substituteRateKgPerHour,
        List<String> devices) {
    public CarbonPeriod {
        devices = List.copyOf(devices);
        Objects.requireNonNull(devices);
    }

    /** {@code CarbonCredit.tokenId(facilityId, periodId)} = facilityId · 2¹²⁸ | periodId. */
    public static BigInteger tokenId(long facilityId, long periodId) {
        return BigInteger.valueOf(facilityId).shiftLeft(128).or(BigInteger.valueOf(periodId));
    }
}
