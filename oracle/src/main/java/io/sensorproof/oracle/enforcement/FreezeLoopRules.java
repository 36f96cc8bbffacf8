package io.sensorproof.oracle.enforcement;

import io.sensorproof.oracle.jobs.Job;
import io.sensorproof.oracle.jobs.JobFailure;
import io.sensorproof.oracle.jobs.JobState;
import io.sensorproof.oracle.planning.RunClaimPlanner;
import io.sensorproof.oracle.planning.RunPlan;
import io.sensorproof.oracle.planning.RunPlanRequest;
import io.sensorproof.oracle.planning.RunTerms;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

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
 *
 * <p>A freeze the contract refused is never sent again; what follows depends on the decoded reason
 * ({@link #onRefusal}, ADR 035): refused evidence closes its runs (the device's next run starts after the
 * last reading they cover, {@link #runsAfter}); {@code FacilityFrozen} needs nothing; a refusal by the
 * facility's state or terms, or a failure that never reached the contract, lets the loop plan the same runs
 * again as a new job with a new key ({@link #nextAttempt}), at most {@link #MAX_FREEZE_ATTEMPTS} times. A
 * recorded freeze whose job chain reconciliation reopened moves back to SUBMITTED ({@link #confirmationLost}).
 */
public final class FreezeLoopRules {
    /** {@code CollateralFinancing.State.Active}. */
    public static final int ACTIVE = 2;
    /** How many freeze jobs (attempts) the loop sends at most for the same runs. */
    public static final int MAX_FREEZE_ATTEMPTS = 3;

    /**
     * The contract's reasons that judge the facility (its state, its terms, who may call), not the evidence:
     * they may clear without new evidence (the borrower accepts, the terms are accepted, the oracle role is
     * granted), so the same runs may be sent again in a new job once the loop looks at the facility again.
     */
    private static final Set<String> FACILITY_REASONS = Set.of("FacilityNotActive", "FacilityNotFound", "QuantityNotWatched",
            "AccessControlUnauthorizedAccount");
    private static final String REVERTED = "REVERTED:";

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

    /** What the loop does after a freeze job failed (ADR 035, the table there). */
    public enum RefusalAction {
        /**
         * The contract refused the evidence (stale, too short, a gap, a claim used or not anchored, …, and any
         * reason this list does not know): the runs sent are closed, never sent again, and each device's next
         * run starts after the last reading they cover.
         */
        CLOSE_RUNS,
        /**
         * {@code FacilityFrozen}: someone froze the facility first. Nothing to do: the loop does not look at a
         * frozen facility, and after the bank's unfreeze only runs that start after it count.
         */
        NOTHING,
        /**
         * The facility's state or terms refused it, or the job never reached the contract (the node refused
         * the transaction, its nonce was taken): the runs stay open, and when the loop looks at the facility
         * again and selects the same runs, it sends them in a new job with a new key (never the same signed
         * transaction), at most {@link #MAX_FREEZE_ATTEMPTS} jobs in all.
         */
        REPLAN
    }

    /**
     * The action for a failed freeze job's code: {@code REVERTED:<reason>} by the reason, anything else (a
     * job that never reached the contract) {@link RefusalAction#REPLAN}.
     */
    public static RefusalAction onRefusal(String failureCode) {
        Objects.requireNonNull(failureCode, "failureCode");
        if (!failureCode.startsWith(REVERTED)) {
            return RefusalAction.REPLAN;
        }
        String reason = failureCode.substring(REVERTED.length());
        if (reason.equals("FacilityFrozen")) {
            return RefusalAction.NOTHING;
        }
        return FACILITY_REASONS.contains(reason) ? RefusalAction.REPLAN : RefusalAction.CLOSE_RUNS;
    }

    /**
     * One earlier freeze job of the same runs (one {@code freezes} row).
     *
     * @param attempt its attempt number, from 1
     * @param state the recorded freeze's state
     * @param failureCode its failure code when FAILED
     * @param runs its runs' claim ids
     */
    public record FreezeAttempt(int attempt, FreezeState state, Optional<String> failureCode, List<List<String>> runs) {
        public FreezeAttempt {
            if (attempt < 1) {
                throw new IllegalArgumentException("attempts count from 1: " + attempt);
            }
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(failureCode, "failureCode");
            runs = runs.stream().map(List::copyOf).toList();
        }
    }

    /**
     * The attempt to record for runs the step wants to freeze, given the earlier jobs of the same runs: 1 when
     * there is none; the latest one again (recording it is a no-op) while it is SUBMITTED or FROZEN or its
     * refusal closed the runs or needs nothing; the next one when the latest was refused for a reason that may
     * clear ({@link RefusalAction#REPLAN}) and fewer than {@link #MAX_FREEZE_ATTEMPTS} were sent; empty when
     * the attempts are used up (the operator has the FREEZE_FAILED events).
     */
    public static OptionalInt nextAttempt(Collection<FreezeAttempt> earlier) {
        Objects.requireNonNull(earlier, "earlier");
        Optional<FreezeAttempt> latest = earlier.stream().max((a, b) -> Integer.compare(a.attempt(), b.attempt()));
        if (latest.isEmpty()) {
            return OptionalInt.of(1);
        }
        FreezeAttempt last = latest.get();
        if (last.state() != FreezeState.FAILED || onRefusal(last.failureCode().orElse("FAILED")) != RefusalAction.REPLAN) {
            return OptionalInt.of(last.attempt());
        }
        return last.attempt() < MAX_FREEZE_ATTEMPTS ? OptionalInt.of(last.attempt() + 1) : OptionalInt.empty();
    }

    /**
     * Whether the loop plans a watch's claims this round: not while one of its freezes is outstanding (SUBMITTED:
     * enqueued or sent, not yet confirmed or failed). Until that freeze ends nothing proven now could be used: it
     * either confirms (the facility is frozen and the loop stops looking at it), or fails and its runs are closed
     * or re-sent as they are. Planning on would fix and prove a new claim every chunk of every hot device while
     * the freeze waits, which under load is what keeps the freeze waiting (the oracle benchmark of 2026-12-04).
     */
    public static boolean plans(Collection<FreezeAttempt> freezesOfWatch) {
        Objects.requireNonNull(freezesOfWatch, "freezesOfWatch");
        return freezesOfWatch.stream().noneMatch(f -> f.state() == FreezeState.SUBMITTED);
    }

    /** The claim ids of the runs the lot's failed freezes closed ({@link RefusalAction#CLOSE_RUNS}). */
    public static Set<String> closedClaims(Collection<FreezeAttempt> failed) {
        Set<String> out = new LinkedHashSet<>();
        for (FreezeAttempt f : failed) {
            if (f.state() == FreezeState.FAILED && onRefusal(f.failureCode().orElse("FAILED")) == RefusalAction.CLOSE_RUNS) {
                f.runs().forEach(out::addAll);
            }
        }
        return out;
    }

    /**
     * The device time after which a device's runs must start: after the facility's last unfreeze and after the
     * last reading of the device's runs that a refused freeze closed.
     *
     * @param closedUntilMillis the latest last-reading time of the device's closed claims, if any
     */
    public static long runsAfter(long notBeforeMillis, OptionalLong closedUntilMillis) {
        Objects.requireNonNull(closedUntilMillis, "closedUntilMillis");
        return closedUntilMillis.isPresent() ? Math.max(notBeforeMillis, closedUntilMillis.getAsLong()) : notBeforeMillis;
    }

    /**
     * Whether a recorded freeze that left SUBMITTED must move back to it: its job is no longer finished (the
     * runner's reconciliation reopened it because the chain lost the block with its transaction; ADR 024).
     */
    public static boolean confirmationLost(FreezeState recorded, Job job) {
        Objects.requireNonNull(recorded, "recorded");
        Objects.requireNonNull(job, "job");
        return recorded != FreezeState.SUBMITTED && !job.state().terminal();
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
