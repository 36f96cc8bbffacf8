package io.sensorproof.oracle.planning;

import java.math.BigInteger;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link RunClaimPlanner#plan} decided for one device's run.
 *
 * @param status where the run stands
 * @param newChunks claims fixed by this call, to prove now (the earlier ones were given back as prior)
 * @param freezeChain when {@link Status#FREEZABLE}: the chain to freeze with, prior and new claims in
 *        order, the shortest one of the planned chunks that reaches the target; empty otherwise
 * @param run the run's extent as stored (first reading to the last stored reading of the run), when there is a run
 * @param firstHole when a window waits for settlement, the message it waits for
 */
public record RunPlan(Status status, List<RunChunk> newChunks, List<ClaimKeys> freezeChain,
        Optional<RunExtent> run, Optional<MessageId> firstHole) {
    /** Where a run stands. */
    public enum Status {
        /** No reading outside the range after notBefore that could start a freezable run. */
        NO_RUN,
        /** The run has not reached the target duration yet (or needs one more reading); it may still grow. */
        GROWING,
        /** The chain that reaches the target exists but a window in it is not settled yet. */
        WAITING_SETTLEMENT,
        /** {@link #freezeChain()} meets the terms: freeze with it once its claims are proven and anchored. */
        FREEZABLE,
        /** The run ended (an in-range reading or a gap over maxGap) before reaching the target. */
        ENDED_SHORT,
        /** The run reached the duration but ended more than maxAge before now: the contract would call it stale. */
        STALE,
        /** The chain would end after now + the contract's clock skew: wait until the device time is not ahead. */
        FROM_FUTURE
    }

    /**
     * A run as stored: its device, first reading time and the time of its last stored reading, and
     * whether a stored reading has ended it.
     */
    public record RunExtent(BigInteger device, long firstTime, long lastTime, boolean ended) {
    }

    public RunPlan {
        Objects.requireNonNull(status);
        newChunks = List.copyOf(newChunks);
        freezeChain = List.copyOf(freezeChain);
        Objects.requireNonNull(run);
        Objects.requireNonNull(firstHole);
    }
}
