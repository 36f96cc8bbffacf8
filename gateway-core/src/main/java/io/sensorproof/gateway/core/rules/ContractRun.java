package io.sensorproof.gateway.core.rules;

import java.util.Objects;

/**
 * A maximal run of readings all outside [lo, hi] whose neighbours lie at most maxGap apart: the run
 * definition of the claim circuits (protocol §7.6) and of a facility's freeze (docs/contracts.md), as
 * opposed to the alert's hysteresis episode. {@code lastTime − firstTime} is what a run claim proves.
 *
 * @param firstKey the first reading of the run
 * @param firstTime its time, ms
 * @param lastKey the last reading of the run (so far, for a run still open)
 * @param lastTime its time, ms
 * @param count how many readings the run has
 */
public record ContractRun(ReadingKey firstKey, long firstTime, ReadingKey lastKey, long lastTime, int count) {
    public ContractRun {
        Objects.requireNonNull(firstKey, "firstKey");
        Objects.requireNonNull(lastKey, "lastKey");
        if (count < 1 || lastTime < firstTime) {
            throw new IllegalArgumentException("a run has at least one reading and ends after it starts");
        }
    }

    /** The run's duration, lastTime − firstTime, ms. */
    public long durationMillis() {
        return lastTime - firstTime;
    }

    ContractRun extend(ReadingKey key, long time) {
        return new ContractRun(firstKey, firstTime, key, time, count + 1);
    }
}
