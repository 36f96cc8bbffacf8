package io.sensorproof.oracle.planning;

import io.sensorproof.oracle.planning.PlanningException.Code;
import io.sensorproof.oracle.planning.RunPlan.RunExtent;
import io.sensorproof.oracle.planning.RunPlan.Status;
import io.sensorproof.zk.claims.ClaimException;
import io.sensorproof.zk.claims.CommittedReading;
import io.sensorproof.zk.claims.RunClaimWitness;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Plans the chain of run claims that CollateralFinancing's {@code freeze} accepts for one device
 * (docs/contracts.md "Freeze", ADR 023), incrementally: given the claims already planned for the run
 * and the readings stored now, it returns the new claims to prove and whether the run reaches the
 * target with them.
 *
 * <p><b>The run</b> is the contract's, not the alert's: consecutive stored readings (time order) all
 * outside [lo, hi] whose neighbours are at most maxGap apart, from the first such reading after
 * notBefore; it ends at the first in-range reading or the first gap over maxGap. Claims are
 * consecutive slices of it, so each claim's tree holds every stored reading of its window
 * (completeness) and neighbouring claims chain ({@code next.firstTime > prev.lastTime}, gap ≤ maxGap).
 *
 * <p><b>Chunking.</b> While the run grows, a chunk of {@value #EAGER_CHUNK} readings is fixed as soon
 * as two more readings of the run are stored after it and its window is settled, so it can be proven
 * long before the duration is reached and never changes. Because two readings always follow a fixed
 * chunk, what is left when the target is reached is 2…16 readings: one last claim (or, when
 * settlement held chunks back, a few that are all new). A claim never holds a single reading.
 *
 * <p><b>Target.</b> The chain must end at or after max(firstTime + minDuration, coverUntil, now − maxAge)
 * and no later than now + {@value #MAX_CLOCK_SKEW_MILLIS} ms (the contract's clock skew). The freeze
 * chain is the shortest chain of planned claims that reaches it, so the freeze waits for no reading
 * beyond the one that reaches it (or the one after, if that one would otherwise be alone).
 */
public final class RunClaimPlanner {
    /** Readings per claim fixed while the run grows: 15, so that with two readings after it the rest fits 2…16. */
    public static final int EAGER_CHUNK = 15;
    /** Slots of the run-claim circuit. */
    public static final int MAX_CLAIM = RunClaimWitness.SLOTS;
    /** CollateralFinancing's {@code MAX_CLOCK_SKEW}. */
    public static final long MAX_CLOCK_SKEW_MILLIS = 60_000;

    private final SettlementRule settlement;

    public RunClaimPlanner(SettlementRule settlement) {
        this.settlement = Objects.requireNonNull(settlement);
    }

    /**
     * Plans the run.
     *
     * @throws PlanningException for readings or prior claims no honest chain can be built from
     */
    public RunPlan plan(RunPlanRequest request) {
        RunTerms terms = request.terms();
        DeviceSeries series = new DeviceSeries(request.device(), terms.quantity(), request.readings());
        int start;
        if (!request.prior().isEmpty()) {
            start = series.indexOf(request.prior().get(0).first());
            if (start < 0 || series.time(start) <= request.notBeforeMillis()) {
                throw new PlanningException(Code.PRIOR_CLAIM_MISMATCH, "the planned run's first reading "
                        + request.prior().get(0).first() + " is not stored or not after notBefore "
                        + request.notBeforeMillis(), request.prior().get(0).first(), null);
            }
        } else {
            start = firstUsefulRun(series, request);
            if (start < 0) {
                return new RunPlan(Status.NO_RUN, List.of(), List.of(), Optional.empty(), Optional.empty());
            }
        }
        int end = runEnd(series, terms, start);
        boolean ended = end < series.size() - 1;
        RunExtent extent = new RunExtent(request.device(), series.time(start), series.time(end), ended);
        long target = target(series.time(start), request);

        List<ClaimKeys> chain = new ArrayList<>();
        int next = start;
        for (ClaimKeys prior : request.prior()) {
            if (prior.size() < 2 || prior.size() > MAX_CLAIM) {
                throw new PlanningException(Code.PRIOR_CLAIM_MISMATCH, "a planned claim holds " + prior.size()
                        + " readings, not 2…" + MAX_CLAIM, prior.first(), null);
            }
            next = series.match(prior, next, end);
            chain.add(prior);
            if (series.time(next - 1) >= target) {
                return finish(Status.FREEZABLE, List.of(), chain, extent, Optional.empty(), series.time(next - 1), request);
            }
        }

        List<RunChunk> fresh = new ArrayList<>();
        while (next + EAGER_CHUNK + 1 <= end) {
            List<StoredReading> window = series.slice(next, next + EAGER_CHUNK - 1);
            Settlement s = settlement.judge(window, request.ledger(), request.nowMillis());
            if (!s.settled()) {
                break;
            }
            fresh.add(chunk(window, terms, s));
            chain.add(fresh.get(fresh.size() - 1).keys());
            next += EAGER_CHUNK;
            if (series.time(next - 1) >= target) {
                return finish(Status.FREEZABLE, fresh, chain, extent, Optional.empty(), series.time(next - 1), request);
            }
        }

        int reach = -1;
        for (int i = next; i <= end; i++) {
            if (series.time(i) >= target) {
                reach = i;
                break;
            }
        }
        if (reach < 0) {
            Status status = !ended ? Status.GROWING
                    : series.time(end) - series.time(start) >= terms.minDuration()
                            && series.time(end) >= request.coverUntilMillis() ? Status.STALE : Status.ENDED_SHORT;
            return new RunPlan(status, fresh, List.of(), Optional.of(extent), Optional.empty());
        }
        int last = Math.max(reach, next + 1);
        if (last > end) {
            // the reading that reaches the target would be alone after a fixed claim
            return new RunPlan(ended ? Status.ENDED_SHORT : Status.GROWING, fresh, List.of(), Optional.of(extent),
                    Optional.empty());
        }
        List<RunChunk> finals = new ArrayList<>();
        int from = next;
        while (from <= last) {
            int size = last - from + 1 > MAX_CLAIM ? EAGER_CHUNK : last - from + 1;
            List<StoredReading> window = series.slice(from, from + size - 1);
            Settlement s = settlement.judge(window, request.ledger(), request.nowMillis());
            if (!s.settled()) {
                return new RunPlan(Status.WAITING_SETTLEMENT, fresh, List.of(), Optional.of(extent), s.firstHole());
            }
            finals.add(chunk(window, terms, s));
            from += size;
        }
        fresh.addAll(finals);
        finals.forEach(c -> chain.add(c.keys()));
        return finish(Status.FREEZABLE, fresh, chain, extent, Optional.empty(), series.time(last), request);
    }

    private static RunPlan finish(Status status, List<RunChunk> fresh, List<ClaimKeys> chain, RunExtent extent,
            Optional<MessageId> hole, long chainLast, RunPlanRequest request) {
        if (chainLast > request.nowMillis() + MAX_CLOCK_SKEW_MILLIS) {
            return new RunPlan(Status.FROM_FUTURE, fresh, List.of(), Optional.of(extent), hole);
        }
        return new RunPlan(status, fresh, chain, Optional.of(extent), hole);
    }

    /** The time the chain must reach. */
    private static long target(long firstTime, RunPlanRequest request) {
        return Math.max(Math.max(firstTime + request.terms().minDuration(), request.coverUntilMillis()),
                request.nowMillis() - request.terms().maxAge());
    }

    /** The start of the first run after notBefore that is still open or reaches its target; −1 if none. */
    private static int firstUsefulRun(DeviceSeries series, RunPlanRequest request) {
        RunTerms terms = request.terms();
        int i = 0;
        while (i < series.size()) {
            if (series.time(i) <= request.notBeforeMillis() || !terms.outOfRange(series.get(i).value())) {
                i++;
                continue;
            }
            int end = runEnd(series, terms, i);
            boolean ended = end < series.size() - 1;
            if (!ended || series.time(end) >= target(series.time(i), request)) {
                return i;
            }
            i = end + 1;
        }
        return -1;
    }

    /** The last index of the run starting at {@code start}. */
    private static int runEnd(DeviceSeries series, RunTerms terms, int start) {
        int end = start;
        while (end + 1 < series.size() && terms.outOfRange(series.get(end + 1).value())
                && series.time(end + 1) - series.time(end) <= terms.maxGap()) {
            end++;
        }
        return end;
    }

    private static RunChunk chunk(List<StoredReading> window, RunTerms terms, Settlement s) {
        List<CommittedReading> readings = window.stream().map(StoredReading::reading).toList();
        try {
            RunClaimWitness witness = RunClaimWitness.of(readings, terms.lo(), terms.hi(), terms.maxGap());
            return new RunChunk(DeviceSeries.keys(window), witness, s);
        } catch (ClaimException e) {
            ReadingKey first = window.get(0).key();
            throw new PlanningException(Code.CLAIM_REFUSED, "the run claim from " + first + " is refused: "
                    + e.getMessage(), first, e);
        }
    }
}
