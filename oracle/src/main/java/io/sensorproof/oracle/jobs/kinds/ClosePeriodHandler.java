package io.sensorproof.oracle.jobs.kinds;

import io.sensorproof.oracle.jobs.Job;
import io.sensorproof.oracle.jobs.NewJob;

/**
 * The "close-period" job: {@code CarbonCredit.closePeriod(facilityId, periodId)} closes the period once its end has passed
 * (block time ≥ end) and every device's chain reaches it (a device without claims is charged the
 * whole period); the contract then fixes the emissions and opens the challenge window. One job per
 * period (idempotency key {@code close-period:<facility>:<period>}), so the oracle sends at most one
 * close transaction per period; the contract refuses a second close ({@code PeriodAlreadyClosed}).
 */
public final class ClosePeriodHandler extends PeriodActionHandler {
    /** The kind's name. */
    public static final String KIND = "close-period";
    /** The failure code of the contract's refusal to do it twice. */
    public static final String ALREADY_DONE = "REVERTED:PeriodAlreadyClosed";

    /** @param carbon the CarbonCredit contract's address */
    public ClosePeriodHandler(String carbon) {
        super(KIND, "closePeriod", carbon);
    }

    /** The job for period {@code periodId} of facility {@code facilityId}. */
    public static NewJob job(long facilityId, long periodId) {
        return job(KIND, facilityId, periodId);
    }

    /** The idempotency key of the period's job. */
    public static String key(long facilityId, long periodId) {
        return key(KIND, facilityId, periodId);
    }

    /** Whether the job's effect is on chain: confirmed, or refused because it was done already. */
    public static boolean done(Job job) {
        return done(job, ALREADY_DONE);
    }
}
