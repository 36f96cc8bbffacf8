package io.sensorproof.oracle.planning;

import io.sensorproof.oracle.planning.PlanningException.Code;
import io.sensorproof.zk.claims.CommittedReading;

/**
 * A lot watch's terms as CollateralFinancing holds them ({@code Watch}), in the units of
 * docs/contracts.md: lo/hi in the quantity's fixed-point units, times in ms. Refused with
 * {@code INVALID_TERMS} when the contract would refuse them, so that nothing is proven for terms
 * no facility can have.
 *
 * @param quantity quantity code (protocol §7.2)
 * @param lo lower bound of the allowed range
 * @param hi upper bound of the allowed range
 * @param maxGap largest gap between neighbouring readings of a run (0 < maxGap < 2 × samplingInterval)
 * @param minDuration the run duration (lastTime − firstTime) that freezes the facility
 * @param samplingInterval the device's sampling interval
 * @param maxAge how old a run's last reading may be at the freeze
 */
public record RunTerms(int quantity, long lo, long hi, long maxGap, long minDuration, long samplingInterval,
        long maxAge) {
    public RunTerms {
        if (quantity < 0 || quantity >= 256) {
            throw new PlanningException(Code.INVALID_TERMS, "quantity " + quantity + " is not in [0, 256)");
        }
        if (lo < 0 || hi >= CommittedReading.VALUE_BOUND || lo > hi) {
            throw new PlanningException(Code.INVALID_TERMS, "need 0 ≤ lo ≤ hi < 2^53, got [" + lo + ", " + hi + "]");
        }
        if (samplingInterval <= 0 || maxGap <= 0 || maxGap >= 2 * samplingInterval) {
            throw new PlanningException(Code.INVALID_TERMS, "need 0 < maxGap < 2 × samplingInterval, got maxGap "
                    + maxGap + " and samplingInterval " + samplingInterval);
        }
        if (minDuration <= 0 || maxAge <= 0) {
            throw new PlanningException(Code.INVALID_TERMS, "minDuration and maxAge must be positive, got "
                    + minDuration + " and " + maxAge);
        }
    }

    /** True when {@code value} lies outside [lo, hi]: a reading a run claim may hold. */
    public boolean outOfRange(long value) {
        return value < lo || value > hi;
    }
}
