package io.sensorproof.oracle.planning;

import static io.sensorproof.oracle.planning.Fixtures.DEVICE;
import static io.sensorproof.oracle.planning.Fixtures.MINUTE;
import static io.sensorproof.oracle.planning.Fixtures.SECOND;
import static io.sensorproof.oracle.planning.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.zk.claims.CommittedReading;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/**
 * Random series fed to the planners one reading at a time, as the gateway would: every planned chain
 * passes the contracts' rules re-checked here (ContractRules), no stored reading is left out of a claim
 * window, claims fixed earlier are handed back unchanged and never refused, and a run is freezable at
 * the latest one reading after the one that reaches the duration.
 */
class PlanningProperties {
    static final RunTerms TERMS = new RunTerms(CommittedReading.TEMPERATURE, 27315, 28115, 90 * SECOND, 20 * MINUTE,
            MINUTE, 24 * 60 * MINUTE);

    /** One step of a series: the gap before the reading (ms) and whether it is out of range. */
    record Step(long gap, boolean out) {
    }

    @Provide
    Arbitrary<List<Step>> runSeries() {
        Arbitrary<Long> gap = Arbitraries.frequencyOf(
                Tuple.of(30, Arbitraries.longs().between(50 * SECOND, 70 * SECOND)),
                Tuple.of(1, Arbitraries.longs().between(91 * SECOND, 10 * MINUTE)),
                Tuple.of(1, Arbitraries.just(90 * SECOND)));
        Arbitrary<Boolean> out = Arbitraries.frequencyOf(Tuple.of(25, Arbitraries.just(true)),
                Tuple.of(1, Arbitraries.just(false)));
        return Combinators.combine(gap, out).as(Step::new).list().ofMinSize(2).ofMaxSize(90);
    }

    static List<StoredReading> build(List<Step> steps, int perMessage) {
        long[] times = new long[steps.size()];
        long[] values = new long[steps.size()];
        long t = T0;
        for (int i = 0; i < steps.size(); i++) {
            t += steps.get(i).gap();
            times[i] = t;
            values[i] = steps.get(i).out() ? (i % 2 == 0 ? 29015 : 26000) : 27815;
        }
        return Fixtures.series(DEVICE, CommittedReading.TEMPERATURE, times, values, perMessage);
    }

    /** The first index at which some run (the contract's definition, written out here again) reaches minDuration. */
    static int firstReach(List<StoredReading> readings, RunTerms terms) {
        int start = -1;
        for (int i = 0; i < readings.size(); i++) {
            StoredReading r = readings.get(i);
            boolean out = r.value() < terms.lo() || r.value() > terms.hi();
            if (!out) {
                start = -1;
                continue;
            }
            if (start < 0 || r.timeMillis() - readings.get(i - 1).timeMillis() > terms.maxGap()) {
                start = i;
            }
            if (r.timeMillis() - readings.get(start).timeMillis() >= terms.minDuration()) {
                return i;
            }
        }
        return -1;
    }

    @Property(tries = 100)
    void everyPlannedRunChainMeetsTheFreezeRulesAndFixedChunksNeverChange(@ForAll("runSeries") List<Step> steps,
            @ForAll @IntRange(min = 1, max = 4) int perMessage) {
        List<StoredReading> readings = build(steps, perMessage);
        RunClaimPlanner planner = new RunClaimPlanner(new SettlementRule(Duration.ofMinutes(5)));
        List<ClaimKeys> prior = new ArrayList<>();
        int reach = firstReach(readings, TERMS);
        for (int n = 1; n <= readings.size(); n++) {
            List<StoredReading> stored = readings.subList(0, n);
            long now = stored.get(n - 1).timeMillis() + SECOND;
            RunPlan plan = planner.plan(new RunPlanRequest(DEVICE, TERMS, stored, prior, Fixtures.ledgerOf(stored), 0, 0,
                    now));
            List<ClaimKeys> chain = new ArrayList<>(prior);
            plan.newChunks().forEach(c -> chain.add(c.keys()));
            for (RunChunk chunk : plan.newChunks()) {
                ContractRules.assertComplete(chunk.keys(), stored);
                assertThat(chunk.witness().claim().count()).isEqualTo(chunk.keys().size());
            }
            if (plan.status() == RunPlan.Status.FREEZABLE) {
                assertThat(plan.freezeChain()).isEqualTo(chain.subList(0, plan.freezeChain().size()));
                ContractRules.assertFreezableRun(plan.freezeChain(), stored, TERMS, 0, now);
                assertThat(reach).isBetween(0, n - 1);
                return;
            }
            if (reach >= 0) {
                assertThat(n - 1).as("freezable at most one reading after the one reaching the duration")
                        .isLessThan(reach + 1);
            }
            if (plan.status() == RunPlan.Status.ENDED_SHORT) {
                prior.clear();
            } else {
                prior.clear();
                prior.addAll(chain);
                if (!prior.isEmpty()) {
                    // what is fixed is a chain of the contract's run claims already
                    ContractRules.assertFreezableRun(prior, stored, new RunTerms(TERMS.quantity(), TERMS.lo(), TERMS.hi(),
                            TERMS.maxGap(), 1, MINUTE, TERMS.maxAge()), 0, now);
                }
            }
        }
        assertThat(reach).as("never freezable although a run reached the duration").isEqualTo(-1);
    }

    @Provide
    Arbitrary<List<Long>> registerGaps() {
        return Arbitraries.frequencyOf(Tuple.of(20, Arbitraries.longs().between(SECOND, 5 * MINUTE)),
                Tuple.of(1, Arbitraries.longs().between(15 * MINUTE, 60 * MINUTE))).list().ofMinSize(1)
                .ofMaxSize(150);
    }

    @Property(tries = 100)
    void everyEmissionsChainMeetsTheContractAndSkipsNoReading(@ForAll("registerGaps") List<Long> gaps,
            @ForAll @IntRange(min = 1, max = 4) int perMessage, @ForAll @IntRange(min = -30, max = 30) int startShiftMinutes) {
        long startS = T0 / 1000 + startShiftMinutes * 60L;
        PeriodTerms period = new PeriodTerms(startS, startS + 3 * 3600, 15 * MINUTE);
        long[] times = new long[gaps.size()];
        long[] values = new long[gaps.size()];
        long t = T0;
        for (int i = 0; i < gaps.size(); i++) {
            t += gaps.get(i);
            times[i] = t;
            values[i] = 1_000_000 + i * 37L + (i % 3);
        }
        List<StoredReading> readings = Fixtures.series(DEVICE, CommittedReading.CO2E_REGISTER, times, values, perMessage);
        EmissionsClaimPlanner planner = new EmissionsClaimPlanner(new SettlementRule(Duration.ofMinutes(5)));
        List<ClaimKeys> prior = new ArrayList<>();
        EmissionsPlan plan = null;
        for (int n = 1; n <= readings.size(); n++) {
            List<StoredReading> stored = readings.subList(0, n);
            plan = planner.plan(new EmissionsPlanRequest(DEVICE, period, stored, prior, Fixtures.ledgerOf(stored),
                    stored.get(n - 1).timeMillis() + SECOND));
            assertThat(plan.chain().subList(0, prior.size())).isEqualTo(prior);
            ContractRules.assertEmissionsChain(plan.chain(), stored, period);
            prior = new ArrayList<>(plan.chain());
            if (plan.status() == EmissionsPlan.Status.COMPLETE) {
                break;
            }
        }
        long after = Math.max(times[times.length - 1], period.endMillis() + period.maxGap()) + 1;
        plan = planner.plan(new EmissionsPlanRequest(DEVICE, period, readings, prior, Fixtures.ledgerOf(readings), after));
        ContractRules.assertEmissionsChain(plan.chain(), readings, period);
        Set<ReadingKey> claimed = new HashSet<>();
        plan.chain().forEach(c -> claimed.addAll(c.keys()));
        List<ReadingKey> claimable = new ArrayList<>();
        boolean endTaken = false;
        for (StoredReading r : readings) {
            if (r.timeMillis() >= period.startMillis() && r.timeMillis() < period.endMillis()) {
                claimable.add(r.key());
            } else if (r.timeMillis() >= period.endMillis() && !endTaken) {
                endTaken = true;
                if (r.timeMillis() <= period.endMillis() + period.maxGap()) {
                    claimable.add(r.key());
                }
            }
        }
        if (claimable.size() < 2) {
            assertThat(plan.status()).isEqualTo(EmissionsPlan.Status.NOTHING_TO_CLAIM);
            assertThat(plan.chain()).isEmpty();
        } else {
            assertThat(plan.status()).isEqualTo(EmissionsPlan.Status.COMPLETE);
            assertThat(claimed).as("every claimable reading is in a claim, and nothing else").containsExactlyInAnyOrderElementsOf(claimable);
        }
    }
}
