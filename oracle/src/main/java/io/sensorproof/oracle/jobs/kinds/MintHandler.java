package io.sensorproof.oracle.jobs.kinds;

import io.sensorproof.oracle.jobs.Job;
import io.sensorproof.oracle.jobs.NewJob;

/**
 * The "mint" job: {@code CarbonCredit.mint(facilityId, periodId)} mints the period's credits to the facility's owner
 * after the challenge window (block time ≥ closedAt + window) of a closed, not voided period. One job
 * per period (idempotency key {@code mint:<facility>:<period>}), so the oracle sends at most one mint
 * transaction per period; the contract refuses a second mint ({@code AlreadyMinted}).
 */
public final class MintHandler extends PeriodActionHandler {
    /** The kind's name. */
    public static final String KIND = "mint";
    /** The failure code of the contract's refusal to do it twice. */
    public static final String ALREADY_DONE = "REVERTED:AlreadyMinted";

    /** @param carbon the CarbonCredit contract's address */
    public MintHandler(String carbon) {
        super(KIND, "mint", carbon);
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
