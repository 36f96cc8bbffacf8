package io.sensorproof.oracle.enforcement;

import io.sensorproof.oracle.jobs.NewJob;
import io.sensorproof.oracle.planning.PlanningException;
import io.sensorproof.oracle.planning.RunChunk;
import io.sensorproof.oracle.planning.RunPlan;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What one look at a watched quantity of a linked facility decided ({@link FreezeEnforcement#step}).
 * The caller stores every new claim (with its job) before it enqueues anything, and enqueues the freeze
 * job only as given here: all three are idempotent by key, so a step repeated after a crash changes
 * nothing.
 *
 * @param newClaims per device, claims fixed by this step, in chain order after the device's prior claims
 * @param statuses per device with evidence, where its run stands
 * @param refusals per device whose evidence no honest chain can be built from, the planner's refusal
 * @param waitingFor claim ids of the freeze chains that are not anchored yet (the freeze waits for them)
 * @param freeze the freeze job, once k devices' chains reach their targets and every claim in them is anchored
 */
public record FreezeStep(Map<BigInteger, List<NewClaim>> newClaims, Map<BigInteger, RunPlan.Status> statuses,
        Map<BigInteger, PlanningException> refusals, List<String> waitingFor, Optional<NewJob> freeze) {
    public FreezeStep {
        newClaims = Map.copyOf(newClaims);
        statuses = Map.copyOf(statuses);
        refusals = Map.copyOf(refusals);
        waitingFor = List.copyOf(waitingFor);
        Objects.requireNonNull(freeze, "freeze");
    }

    /**
     * A claim to store and prove: the planner's chunk, its claim id and its run-claim job.
     *
     * @param chunk keys, witness and settlement
     * @param claimId the registry's id of its public inputs
     * @param job the run-claim job to enqueue
     */
    public record NewClaim(RunChunk chunk, String claimId, NewJob job) {
        public NewClaim {
            Objects.requireNonNull(chunk, "chunk");
            Objects.requireNonNull(claimId, "claimId");
            Objects.requireNonNull(job, "job");
        }
    }
}
