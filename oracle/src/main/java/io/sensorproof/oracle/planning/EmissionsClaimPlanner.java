package io.sensorproof.oracle.planning;

import io.sensorproof.oracle.planning.EmissionsPlan.Status;
import io.sensorproof.oracle.planning.PlanningException.Code;
import io.sensorproof.zk.claims.ClaimException;
import io.sensorproof.zk.claims.CommittedReading;
import io.sensorproof.zk.claims.EmissionsClaimWitness;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Plans one device's chain of emissions claims for a CarbonCredit period (docs/contracts.md
 * "Claims", ADR 023), incrementally: claims are fixed as the device's register readings fill a
 * claim tree of {@value #SLOTS}, not all at the end of the period.
 *
 * <p><b>Claimable readings</b> are the device's register readings from the period start on
 * ({@code time ≥ start}) that lie before the end, plus the first reading at or after the end if it
 * is no later than end + maxGap (so the chain reaches the end and the contract charges no end edge).
 * The chain is cut from them as consecutive slices sharing their boundary reading: the first claim
 * starts at the first claimable reading (the contract's {@code firstTime ≥ start}), every later claim
 * starts at its predecessor's last reading ({@code firstTime == previous lastTime}, same total), every
 * claim starts before the end and ends by end + maxGap. Because slices are consecutive, each claim's
 * tree holds every stored reading of its window. Gaps longer than maxGap stay in the claim: the
 * circuit sums them into gapTime and the contract charges them at the substitute rate.
 *
 * <p>A full claim ({@value #SLOTS} readings) is fixed as soon as its window is settled. The last,
 * shorter claim is fixed once the period's last claimable reading is known: a reading at or after
 * the end is stored, or the time is past end + maxGap.
 */
public final class EmissionsClaimPlanner {
    /** Slots of the emissions-claim circuit. */
    public static final int SLOTS = EmissionsClaimWitness.SLOTS;

    private final SettlementRule settlement;

    public EmissionsClaimPlanner(SettlementRule settlement) {
        this.settlement = Objects.requireNonNull(settlement);
    }

    /**
     * Plans the device's chain.
     *
     * @throws PlanningException for readings or prior claims no honest chain can be built from
     */
    public EmissionsPlan plan(EmissionsPlanRequest request) {
        PeriodTerms period = request.period();
        DeviceSeries series = new DeviceSeries(request.device(), CommittedReading.CO2E_REGISTER, request.readings());
        int first = 0;
        while (first < series.size() && series.time(first) < period.startMillis()) {
            first++;
        }
        int last = first - 1;
        while (last + 1 < series.size() && series.time(last + 1) < period.endMillis()) {
            last++;
        }
        boolean afterEndStored = last + 1 < series.size();
        if (afterEndStored && series.time(last + 1) <= period.endMillis() + period.maxGap()) {
            last++;
        }
        boolean finalKnown = afterEndStored || request.nowMillis() > period.endMillis() + period.maxGap();
        for (int i = first + 1; i <= last; i++) {
            if (series.get(i).value() < series.get(i - 1).value()) {
                throw new PlanningException(Code.REGISTER_DECREASED, "register reading " + series.get(i).key() + " ("
                        + series.get(i).value() + " g) is below the one before it (" + series.get(i - 1).value() + " g)",
                        series.get(i).key(), null);
            }
        }

        List<ClaimKeys> chain = new ArrayList<>();
        int boundary = first;
        if (!request.prior().isEmpty()) {
            boundary = series.indexOf(request.prior().get(0).first());
            if (boundary < first) {
                throw new PlanningException(Code.PRIOR_CLAIM_MISMATCH, "the chain's first reading "
                        + request.prior().get(0).first() + " is not a stored reading of the period",
                        request.prior().get(0).first(), null);
            }
            for (ClaimKeys prior : request.prior()) {
                if (prior.size() < 2 || prior.size() > SLOTS) {
                    throw new PlanningException(Code.PRIOR_CLAIM_MISMATCH, "a planned claim holds " + prior.size()
                            + " readings, not 2…" + SLOTS, prior.first(), null);
                }
                boundary = series.match(prior, boundary, last) - 1;
                chain.add(prior);
            }
        }
        if (last - first + 1 < 2 && chain.isEmpty()) {
            return new EmissionsPlan(finalKnown ? Status.NOTHING_TO_CLAIM : Status.OPEN, List.of(), List.of(),
                    Optional.empty());
        }

        List<EmissionsChunk> fresh = new ArrayList<>();
        while (boundary + SLOTS - 1 <= last) {
            List<StoredReading> window = series.slice(boundary, boundary + SLOTS - 1);
            Settlement s = settlement.judge(window, request.ledger(), request.nowMillis());
            if (!s.settled()) {
                return plan(Status.WAITING_SETTLEMENT, fresh, chain, s.firstHole());
            }
            add(fresh, chain, window, period, s);
            boundary += SLOTS - 1;
        }
        if (!finalKnown) {
            return plan(Status.OPEN, fresh, chain, Optional.empty());
        }
        if (boundary < last) {
            List<StoredReading> window = series.slice(boundary, last);
            Settlement s = settlement.judge(window, request.ledger(), request.nowMillis());
            if (!s.settled()) {
                return plan(Status.WAITING_SETTLEMENT, fresh, chain, s.firstHole());
            }
            add(fresh, chain, window, period, s);
        }
        return plan(Status.COMPLETE, fresh, chain, Optional.empty());
    }

    private static EmissionsPlan plan(Status status, List<EmissionsChunk> fresh, List<ClaimKeys> chain,
            Optional<MessageId> hole) {
        return new EmissionsPlan(status, fresh, chain, hole);
    }

    private static void add(List<EmissionsChunk> fresh, List<ClaimKeys> chain, List<StoredReading> window,
            PeriodTerms period, Settlement s) {
        List<CommittedReading> readings = window.stream().map(StoredReading::reading).toList();
        try {
            EmissionsChunk chunk = new EmissionsChunk(DeviceSeries.keys(window),
                    EmissionsClaimWitness.of(readings, period.maxGap()), s);
            fresh.add(chunk);
            chain.add(chunk.keys());
        } catch (ClaimException e) {
            ReadingKey first = window.get(0).key();
            throw new PlanningException(Code.CLAIM_REFUSED, "the emissions claim from " + first + " is refused: "
                    + e.getMessage(), first, e);
        }
    }
}
