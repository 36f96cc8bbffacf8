package io.sensorproof.oracle.planning;

import java.math.BigInteger;
import java.util.List;
import java.util.Objects;

/**
 * Everything {@link RunClaimPlanner#plan} decides from.
 *
 * @param device the device field (protocol §7.4)
 * @param terms the watch's terms
 * @param readings every stored reading of the device and the watch's quantity that may matter (at
 *        least those from the run's start on), any order
 * @param prior the claims planned before for this run, in chain order (empty for a new run)
 * @param ledger the device's accounted message ids around the readings (settlement)
 * @param notBeforeMillis a run must start after this device time: the facility's lastUnfreeze × 1000 (0 if never)
 * @param coverUntilMillis the chain must reach at least this time (from {@link FreezeSelection}, so that k runs
 *        overlap; 0 for no such need)
 * @param nowMillis current time (gateway clock, taken as the block time to come)
 */
public record RunPlanRequest(BigInteger device, RunTerms terms, List<StoredReading> readings, List<ClaimKeys> prior,
        AccountedMessages ledger, long notBeforeMillis, long coverUntilMillis, long nowMillis) {
    public RunPlanRequest {
        Objects.requireNonNull(device);
        Objects.requireNonNull(terms);
        readings = List.copyOf(readings);
        prior = List.copyOf(prior);
        Objects.requireNonNull(ledger);
    }
}
