package io.sensorproof.oracle.enforcement;

import io.sensorproof.oracle.jobs.Job;
import io.sensorproof.oracle.jobs.JobFailure;
import io.sensorproof.oracle.jobs.JobState;
import io.sensorproof.oracle.planning.RunClaimPlanner;
import io.sensorproof.oracle.planning.RunPlan;
import io.sensorproof.oracle.planning.RunPlanRequest;
import io.sensorproof.oracle.planning.RunTerms;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The freeze loop's decisions around {@link FreezeEnforcement#step} (ADR 030), framework-free so that
 * the gateway only loads, stores and enqueues: whether a linked facility is looked at, which readings are
 * loaded, which run a device's stored claims belong to, and what a freeze job's state means for the
 * freeze the gateway records.
 *
 * <p>The trigger is the contract's own rule, not the alert's: a facility is looked at while it is Active
 * and not frozen, and a device's readings are planned when it has a reading outside the watch's range
 * after the last unfreeze and within maxAge of now (a run that ended earlier can never be fresh enough
 * for {@code freeze}). The run is the planner's first useful run after the last unfreeze; its stored
 * claims are the ones stored under that run's first reading time, so a run that ended short is left
 * behind and the next excursion starts a chain of its own.
 */
public final class FreezeLoopRules {
    /** {@code CollateralFinancing.State.Active}. */
    public static final int ACTIVE = 2;

    private FreezeLoopRules() {
    }

    /**
     * Whether the loop looks at a facility: Active (accepted by the borrower) and not frozen. A Proposed
     * facility cannot be frozen ({@code _active}), a frozen one is not frozen twice; after the bank's
     * unfreeze it is looked at again, with runs after the unfreeze only.
     */
    public static boolean looksAt(int chainState, boolean frozen) {
        return chainState == ACTIVE && !frozen;
    }

    /** Runs must start after this device time: the facility's {@code lastUnfreeze} (seconds) in ms, 0 if never. */
    public static long notBeforeMillis(long lastUnfreezeSeconds) {
        if (lastUnfreezeSeconds < 0) {
            throw new IllegalArgumentException("lastUnfreeze is a uint64: " + lastUnfreezeSeconds);
        }
        return Math.multiplyExact(lastUnfreezeSeconds, 1000L);
    }

    /**
     * The device time from which out-of-range readings make a device worth planning: after the last
     * unfreeze and no older than maxAge (a chain must end at or after now − maxAge).
     */
    public static long excursionSince(long notBeforeMillis, RunTerms terms, long nowMillis) {
        return Math.max(notBeforeMillis + 1, nowMillis - terms.maxAge());
    }

    /**
     * The earliest device time whose readings are loaded for a device: the start of the latest run stored
     * for it after the last unfreeze (so a run's claims always find their readings, however long it
     * grows), else the oldest start a run that can still be fresh may have (now − maxAge − minDuration −
     * maxGap); never at or before the last unfreeze.
     *
     * @param storedRunStart the first reading time of the latest run with stored claims after notBefore, if any
     */
    public static long readingsFrom(long notBeforeMillis, OptionalLong storedRunStart, RunTerms terms, long nowMillis) {
        Objects.requireNonNull(storedRunStart, "storedRunStart");
        long horizon = nowMillis - terms.maxAge() - terms.minDuration() - terms.maxGap();
        long from = storedRunStart.isPresent() ? Math.min(storedRunStart.getAsLong(), horizon) : horizon;
        return Math.max(from, notBeforeMillis + 1);
    }

    /**
     * The first reading time of the run the device's claims belong to now: the planner's first run after
     * notBefore that is still open or reached its target (planned without prior claims, which only finds
     * the run). Empty when there is none.
     *
     * @param probe the request with no prior claims
     * @throws io.sensorproof.oracle.planning.PlanningException when the readings are refused
     */
    public static OptionalLong currentRunStart(RunClaimPlanner planner, RunPlanRequest probe) {
        if (!probe.prior().isEmpty()) {
            throw new IllegalArgumentException("the probe finds the run without prior claims");
        }
        RunPlan plan = planner.plan(probe);
        if (plan.status() == RunPlan.Status.NO_RUN || plan.run().isEmpty()) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(plan.run().get().firstTime());
    }

    /** The state of a recorded freeze. */
    public enum FreezeState {
        /** Enqueued, not confirmed yet. */
        SUBMITTED,
        /** The freeze transaction is confirmed. */
        FROZEN,
        /** The job failed: the contract refused (decoded reason) or it could not be sent. */
        FAILED
    }

    /**
     * What a freeze job's state means for its freeze.
     *
     * @param state the freeze's state
     * @param transaction the freeze transaction's hash (lowercase), once signed
     * @param block the block that mined it, once confirmed
     * @param failureCode the job's failure code, once failed (e.g. {@code REVERTED:FacilityFrozen})
     */
    public record FreezeOutcome(FreezeState state, Optional<String> transaction, OptionalLong block,
            Optional<String> failureCode) {
        public FreezeOutcome {
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(transaction, "transaction");
            Objects.requireNonNull(block, "block");
            Objects.requireNonNull(failureCode, "failureCode");
        }
    }

    /**
     * Reads a freeze job: CONFIRMED ⇒ FROZEN with its transaction and block; FAILED ⇒ FAILED with its code;
     * anything else (also a confirmed job that chain reconciliation reopened) ⇒ SUBMITTED.
     */
    public static FreezeOutcome outcome(Job job) {
        Objects.requireNonNull(job, "job");
        Optional<String> tx = job.transaction().map(t -> t.hash().toLowerCase(Locale.ROOT));
        if (job.state() == JobState.CONFIRMED) {
            if (tx.isEmpty() || job.blockNumber().isEmpty()) {
                throw new IllegalStateException("confirmed job " + job.id() + " has no transaction or block");
            }
            return new FreezeOutcome(FreezeState.FROZEN, tx, job.blockNumber(), Optional.empty());
        }
        if (job.state() == JobState.FAILED) {
            return new FreezeOutcome(FreezeState.FAILED, tx, OptionalLong.empty(),
                    Optional.of(job.failure().map(JobFailure::code).orElse("FAILED")));
        }
        return new FreezeOutcome(FreezeState.SUBMITTED, tx, OptionalLong.empty(), Optional.empty());
    }
}
