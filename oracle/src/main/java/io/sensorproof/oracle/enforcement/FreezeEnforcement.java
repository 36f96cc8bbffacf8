package io.sensorproof.oracle.enforcement;

import io.sensorproof.oracle.jobs.NewJob;
import io.sensorproof.oracle.jobs.kinds.FreezeHandler;
import io.sensorproof.oracle.jobs.kinds.RunClaimHandler;
import io.sensorproof.oracle.planning.ClaimKeys;
import io.sensorproof.oracle.planning.FreezeSelection;
import io.sensorproof.oracle.planning.PlanningException;
import io.sensorproof.oracle.planning.RunClaimPlanner;
import io.sensorproof.oracle.planning.RunPlan;
import io.sensorproof.oracle.planning.RunPlan.RunExtent;
import io.sensorproof.oracle.planning.RunPlan.Status;
import io.sensorproof.oracle.planning.RunPlanRequest;
import io.sensorproof.oracle.planning.RunTerms;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The enforcement loop's decision for one watched quantity of a facility linked to a lot (ADR 024):
 * which run claims to fix and prove now, and when to freeze. Stateless like the planner it drives: the
 * caller keeps the claims it planned (keys, ids, anchored or not) and hands them back every look.
 *
 * <p>Each look plans every device's run with its prior claims ({@link RunClaimPlanner}), so claims are
 * fixed as the chunks fill while the alert is open; then {@link FreezeSelection} picks k overlapping runs
 * and those are planned again to cover the common point (the claims fixed by the first pass are handed
 * back as prior, never re-cut). A freeze job is returned only when every chosen run is
 * {@link Status#FREEZABLE} and every claim of its freeze chain is anchored; its key ({@link
 * FreezeHandler#job}) names the facility, quantity and the runs' first claims, so repeated looks
 * return the same job.
 */
public final class FreezeEnforcement {
    private static final Set<Status> CANDIDATE = EnumSet.of(Status.GROWING, Status.WAITING_SETTLEMENT, Status.FREEZABLE);

    private final RunClaimPlanner planner;

    public FreezeEnforcement(RunClaimPlanner planner) {
        this.planner = Objects.requireNonNull(planner, "planner");
    }

    /**
     * One look.
     *
     * @param facilityId the chain facility
     * @param devices the facility's devices (fields), in the facility's order
     * @param terms the watch's terms
     * @param k devices needed
     * @param notBeforeMillis runs must start after this (the facility's lastUnfreeze × 1000)
     * @param nowMillis the gateway's clock
     * @param evidence per device that has evidence (others count as offering no run)
     */
    public FreezeStep step(BigInteger facilityId, List<BigInteger> devices, RunTerms terms, int k, long notBeforeMillis,
            long nowMillis, Map<BigInteger, DeviceEvidence> evidence) {
        Map<BigInteger, List<FreezeStep.NewClaim>> fresh = new LinkedHashMap<>();
        Map<BigInteger, RunPlan.Status> statuses = new HashMap<>();
        Map<BigInteger, PlanningException> refusals = new HashMap<>();
        Map<BigInteger, RunPlan> plans = new HashMap<>();
        List<RunExtent> candidates = new ArrayList<>();
        for (BigInteger device : devices) {
            DeviceEvidence e = evidence.get(device);
            if (e == null) {
                continue;
            }
            try {
                RunPlan plan = plan(device, terms, e, List.of(), notBeforeMillis, 0, nowMillis);
                plans.put(device, plan);
                statuses.put(device, plan.status());
                fresh.put(device, claims(plan));
                if (CANDIDATE.contains(plan.status()) && plan.run().isPresent()) {
                    candidates.add(plan.run().get());
                }
            } catch (PlanningException ex) {
                refusals.put(device, ex);
            }
        }
        FreezeSelection selection = FreezeSelection.choose(k, devices, candidates);
        if (!selection.enough()) {
            return new FreezeStep(nonEmpty(fresh), statuses, refusals, List.of(), Optional.empty());
        }
        List<List<String>> runs = new ArrayList<>();
        List<String> waiting = new ArrayList<>();
        boolean ready = true;
        for (RunExtent run : selection.runs()) {
            BigInteger device = run.device();
            List<FreezeStep.NewClaim> first = fresh.get(device);
            RunPlan plan;
            try {
                plan = plan(device, terms, evidence.get(device), first, notBeforeMillis, selection.coverUntilMillis(),
                        nowMillis);
            } catch (PlanningException ex) {
                refusals.put(device, ex);
                ready = false;
                continue;
            }
            statuses.put(device, plan.status());
            List<FreezeStep.NewClaim> all = new ArrayList<>(first);
            all.addAll(claims(plan));
            fresh.put(device, all);
            if (plan.status() != Status.FREEZABLE) {
                ready = false;
                continue;
            }
            Map<ClaimKeys, PlannedClaim> known = new HashMap<>();
            evidence.get(device).prior().forEach(p -> known.put(p.keys(), p));
            List<String> ids = new ArrayList<>();
            for (ClaimKeys keys : plan.freezeChain()) {
                PlannedClaim p = known.get(keys);
                if (p == null) {
                    // fixed by this look: not proven yet
                    all.stream().filter(c -> c.chunk().keys().equals(keys)).findFirst()
                            .ifPresent(c -> waiting.add(c.claimId()));
                    ready = false;
                } else {
                    ids.add(p.claimId());
                    if (!p.anchored()) {
                        waiting.add(p.claimId());
                        ready = false;
                    }
                }
            }
            runs.add(ids);
        }
        Optional<NewJob> freeze = ready ? Optional.of(FreezeHandler.job(facilityId, terms.quantity(), runs)) : Optional.empty();
        return new FreezeStep(nonEmpty(fresh), statuses, refusals, waiting, freeze);
    }

    private RunPlan plan(BigInteger device, RunTerms terms, DeviceEvidence e, List<FreezeStep.NewClaim> alsoPrior,
            long notBefore, long coverUntil, long now) {
        List<ClaimKeys> prior = new ArrayList<>(e.prior().stream().map(PlannedClaim::keys).toList());
        alsoPrior.forEach(c -> prior.add(c.chunk().keys()));
        return planner.plan(new RunPlanRequest(device, terms, e.readings(), prior, e.ledger(), notBefore, coverUntil, now));
    }

    private static List<FreezeStep.NewClaim> claims(RunPlan plan) {
        return plan.newChunks().stream().map(c -> {
            NewJob job = RunClaimHandler.job(c.request());
            return new FreezeStep.NewClaim(c, RunClaimHandler.claimId(c.request().publicInputs()), job);
        }).toList();
    }

    private static Map<BigInteger, List<FreezeStep.NewClaim>> nonEmpty(Map<BigInteger, List<FreezeStep.NewClaim>> in) {
        Map<BigInteger, List<FreezeStep.NewClaim>> out = new LinkedHashMap<>();
        in.forEach((d, l) -> {
            if (!l.isEmpty()) {
                out.put(d, List.copyOf(l));
            }
        });
        return out;
    }
}
