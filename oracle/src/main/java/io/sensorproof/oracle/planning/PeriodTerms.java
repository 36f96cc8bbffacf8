package io.sensorproof.oracle.planning;

import io.sensorproof.oracle.planning.PlanningException.Code;
import io.sensorproof.zk.claims.CommittedReading;

/**
 * A CarbonCredit period's terms as the planner needs them: the period [start, end) in Unix seconds
 * (as the contract holds it) and the period's maxGap in ms. Refused with {@code INVALID_TERMS} where
 * the contract would refuse them.
 */
public record PeriodTerms(long startSeconds, long endSeconds, long maxGap) {
    public PeriodTerms {
        if (startSeconds < 0 || startSeconds >= endSeconds || endSeconds * 1000 >= CommittedReading.TIME_BOUND) {
            throw new PlanningException(Code.INVALID_TERMS, "need 0 ≤ start < end < 2^43 ms, got [" + startSeconds
                    + ", " + endSeconds + ") s");
        }
        if (maxGap <= 0 || maxGap >= CommittedReading.TIME_BOUND) {
            throw new PlanningException(Code.INVALID_TERMS, "maxGap " + maxGap + " is not in (0, 2^43)");
        }
    }

    public long startMillis() {
        return startSeconds * 1000;
    }

    public long endMillis() {
        return endSeconds * 1000;
    }
}
