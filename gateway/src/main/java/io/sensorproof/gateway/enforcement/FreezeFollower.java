package io.sensorproof.gateway.enforcement;

import io.sensorproof.gateway.enforcement.PgFreezes.Freeze;
import io.sensorproof.oracle.enforcement.FreezeLoopRules;
import io.sensorproof.oracle.enforcement.FreezeLoopRules.FreezeOutcome;
import io.sensorproof.oracle.enforcement.FreezeLoopRules.FreezeState;
import io.sensorproof.oracle.jobs.Job;
import io.sensorproof.oracle.jobs.JobStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The part of the freeze loop's round that makes recorded freezes follow their jobs (ADR 030, ADR 035): a
 * FROZEN or FAILED freeze whose job chain reconciliation reopened moves back to SUBMITTED with a
 * {@value PgFreezes#CONFIRMATION_LOST_EVENT} event, then every SUBMITTED freeze whose job ended moves to
 * FROZEN or FAILED with its event. Both moves are conditional updates, so replicas doing this at once move
 * each row once. Separate from {@link FreezeLoop} so that it runs in tests on the job store and the
 * {@code freezes} table without a chain.
 */
final class FreezeFollower {
    private static final Logger LOG = Logger.getLogger(FreezeFollower.class);

    private final PgFreezes freezes;

    FreezeFollower(PgFreezes freezes) {
        this.freezes = Objects.requireNonNull(freezes, "freezes");
    }

    /** A move this call made: the freeze as it was and the state it moved to (with the failure code when FAILED). */
    record Move(Freeze freeze, FreezeState to, Optional<String> failureCode) {
    }

    /** One pass over the recorded freezes against {@code jobs}; returns the moves made, in order. */
    List<Move> follow(JobStore jobs) {
        List<Move> moves = new ArrayList<>();
        for (Freeze f : freezes.settledWithReopenedJob()) {
            Optional<Job> job = jobs.find(f.jobId().orElseThrow());
            if (job.isPresent() && FreezeLoopRules.confirmationLost(f.state(), job.get()) && freezes.reopen(f)) {
                LOG.warnf("lot %d: freeze %d of chain facility %s was %s%s, but the chain no longer has its transaction: SUBMITTED"
                        + " again, its job is sent again", f.lotId(), f.id(), f.chainFacilityId(), f.state(),
                        f.transaction().map(t -> " in " + t).orElse(""));
                moves.add(new Move(f, FreezeState.SUBMITTED, Optional.empty()));
            }
        }
        for (Freeze f : freezes.submitted()) {
            Optional<Job> job = jobs.find(f.jobId().orElseThrow());
            if (job.isEmpty()) {
                continue;
            }
            FreezeOutcome outcome = FreezeLoopRules.outcome(job.get());
            if (freezes.settle(f, outcome)) {
                LOG.infof("lot %d: freeze %d of chain facility %s is %s%s", f.lotId(), f.id(), f.chainFacilityId(), outcome.state(),
                        outcome.failureCode().map(c -> " (" + c + ", " + FreezeLoopRules.onRefusal(c) + ")")
                                .orElse(outcome.transaction().map(t -> " in " + t).orElse("")));
                moves.add(new Move(f, outcome.state(), outcome.failureCode()));
            }
        }
        return moves;
    }
}
