package io.sensorproof.oracle.planning;

import static io.sensorproof.oracle.planning.Fixtures.DEVICE;
import static io.sensorproof.oracle.planning.Fixtures.MINUTE;
import static io.sensorproof.oracle.planning.Fixtures.SECOND;
import static io.sensorproof.oracle.planning.Fixtures.T0;
import static io.sensorproof.oracle.planning.Fixtures.even;
import static io.sensorproof.oracle.planning.Fixtures.ledgerOf;
import static io.sensorproof.oracle.planning.Fixtures.repeat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.oracle.planning.PlanningException.Code;
import io.sensorproof.oracle.planning.RunPlan.Status;
import io.sensorproof.zk.claims.ClaimTree;
import io.sensorproof.zk.claims.CommittedReading;
import io.sensorproof.zk.claims.RunClaim;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunClaimPlannerTest {
    static final int T = CommittedReading.TEMPERATURE;
    static final long LO = 27315;
    static final long HI = 28115;
    static final long OUT = 29015;
    static final long IN = 27815;
    static final RunTerms TERMS = new RunTerms(T, LO, HI, 90 * SECOND, 30 * MINUTE, MINUTE, 60 * MINUTE);
    static final SettlementRule WAIT_10_MIN = new SettlementRule(Duration.ofMinutes(10));
    final RunClaimPlanner planner = new RunClaimPlanner(WAIT_10_MIN);

    static long lastTime(List<StoredReading> readings) {
        return readings.stream().mapToLong(StoredReading::timeMillis).max().orElseThrow();
    }

    RunPlan plan(RunTerms terms, List<StoredReading> readings, List<ClaimKeys> prior, long notBefore, long now) {
        return planner.plan(new RunPlanRequest(DEVICE, terms, readings, prior, ledgerOf(readings), notBefore, 0, now));
    }

    RunPlan plan(List<StoredReading> readings) {
        return plan(TERMS, readings, List.of(), 0, lastTime(readings) + 5 * SECOND);
    }

    static long timeOf(List<StoredReading> readings, ReadingKey key) {
        return ContractRules.byKey(readings).get(key).timeMillis();
    }

    @Test
    void freezesWithTheShortestPrefixReachingMinDurationWithoutWaitingForTheExcursionToEnd() {
        List<StoredReading> readings = even(T, MINUTE, repeat(OUT, 31));
        RunPlan plan = plan(readings);
        assertThat(plan.status()).isEqualTo(Status.FREEZABLE);
        assertThat(plan.freezeChain()).extracting(ClaimKeys::size).containsExactly(15, 16);
        assertThat(timeOf(readings, plan.freezeChain().get(1).last())).isEqualTo(T0 + 30 * MINUTE);
        assertThat(plan.run().orElseThrow().ended()).isFalse();
        ContractRules.assertFreezableRun(plan.freezeChain(), readings, TERMS, 0, lastTime(readings) + 5 * SECOND);
        // one reading short of the duration: still growing, the first chunk already fixed for proving
        RunPlan before = plan(readings.subList(0, 30));
        assertThat(before.status()).isEqualTo(Status.GROWING);
        assertThat(before.newChunks()).extracting(c -> c.keys().size()).containsExactly(15);
    }

    @Test
    void theRunIsTheContractsNotTheAlertsARunEndsAtTheFirstInRangeReading() {
        long[] values = repeat(OUT, 50);
        values[10] = IN;
        // a value equal to hi is inside [lo, hi]: it ends a run too
        values[11] = HI;
        List<StoredReading> readings = even(T, MINUTE, values);
        RunPlan plan = plan(readings);
        assertThat(plan.status()).isEqualTo(Status.FREEZABLE);
        assertThat(plan.run().orElseThrow().firstTime()).isEqualTo(T0 + 12 * MINUTE);
        assertThat(timeOf(readings, plan.freezeChain().get(0).first())).isEqualTo(T0 + 12 * MINUTE);
        ContractRules.assertFreezableRun(plan.freezeChain(), readings, TERMS, 0, lastTime(readings) + 5 * SECOND);
    }

    @Test
    void aRunEndsAtAGapOverMaxGap() {
        long[] times = new long[40];
        for (int i = 0; i < 40; i++) {
            times[i] = T0 + i * MINUTE + (i >= 20 ? 31 * SECOND : 0);
        }
        List<StoredReading> readings = Fixtures.series(DEVICE, T, times, repeat(OUT, 40), 2);
        // the gap between readings 19 and 20 is 91 s > maxGap 90 s: the first run is 19 min long
        RunPlan plan = plan(TERMS, readings, List.of(), 0, times[39] + 5 * SECOND);
        assertThat(plan.status()).isEqualTo(Status.GROWING);
        assertThat(plan.run().orElseThrow().firstTime()).isEqualTo(times[20]);
        RunPlan prior = plan(TERMS, readings.subList(0, 20), List.of(), 0, times[19]);
        List<ClaimKeys> firstRunChunks = prior.newChunks().stream().map(RunChunk::keys).toList();
        RunPlan continued = plan(TERMS, readings, firstRunChunks, 0, times[39] + 5 * SECOND);
        assertThat(continued.status()).isEqualTo(Status.ENDED_SHORT);
    }

    @Test
    void seventeenReadingsAreNeverSixteenPlusOne() {
        RunTerms terms = new RunTerms(T, LO, HI, 90 * SECOND, 16 * MINUTE, MINUTE, 60 * MINUTE);
        List<StoredReading> readings = even(T, MINUTE, repeat(OUT, 17));
        RunPlan plan = plan(terms, readings, List.of(), 0, lastTime(readings));
        assertThat(plan.status()).isEqualTo(Status.FREEZABLE);
        assertThat(plan.freezeChain()).extracting(ClaimKeys::size).containsExactly(15, 2);
        ContractRules.assertFreezableRun(plan.freezeChain(), readings, terms, 0, lastTime(readings));
    }

    @Test
    void aReadingThatWouldBeAloneAfterAFixedClaimWaitsForTheNext() {
        RunTerms terms = new RunTerms(T, LO, HI, 90 * SECOND, 16 * MINUTE, MINUTE, 60 * MINUTE);
        List<StoredReading> readings = even(T, MINUTE, repeat(OUT, 18));
        // a claim of 16 fixed earlier (the planner never makes one, but a caller may hold one)
        ClaimKeys sixteen = DeviceSeries.keys(readings.subList(0, 16));
        RunPlan waiting = plan(terms, readings.subList(0, 17), List.of(sixteen), 0, T0 + 16 * MINUTE);
        assertThat(waiting.status()).isEqualTo(Status.GROWING);
        assertThat(waiting.newChunks()).isEmpty();
        RunPlan plan = plan(terms, readings, List.of(sixteen), 0, T0 + 17 * MINUTE);
        assertThat(plan.freezeChain()).extracting(ClaimKeys::size).containsExactly(16, 2);
        ContractRules.assertFreezableRun(plan.freezeChain(), readings, terms, 0, T0 + 17 * MINUTE);
    }

    @Test
    void fixedChunksNeverChangeAsReadingsArriveOneByOne() {
        List<StoredReading> readings = even(T, MINUTE, repeat(OUT, 61));
        RunTerms terms = new RunTerms(T, LO, HI, 90 * SECOND, 60 * MINUTE, MINUTE, 60 * MINUTE);
        List<ClaimKeys> prior = new ArrayList<>();
        RunPlan last = null;
        for (int n = 1; n <= readings.size(); n++) {
            List<StoredReading> stored = readings.subList(0, n);
            last = plan(terms, stored, prior, 0, lastTime(stored) + SECOND);
            last.newChunks().forEach(c -> prior.add(c.keys()));
            if (n < readings.size()) {
                assertThat(last.status()).isEqualTo(Status.GROWING);
                // every fixed chunk has two stored readings of the run after it
                assertThat(prior.stream().mapToInt(ClaimKeys::size).sum()).isLessThanOrEqualTo(Math.max(0, n - 2));
            }
        }
        assertThat(last.status()).isEqualTo(Status.FREEZABLE);
        assertThat(prior).extracting(ClaimKeys::size).containsExactly(15, 15, 15, 16);
        // only the last chunk was left when the duration was reached
        assertThat(last.newChunks()).hasSize(1);
        assertThat(last.freezeChain()).isEqualTo(prior);
        ContractRules.assertFreezableRun(last.freezeChain(), readings, terms, 0, lastTime(readings) + SECOND);
    }

    @Test
    void eachChunkIsAWitnessOfItsReadingsForTheExcursionCircuit() {
        List<StoredReading> readings = even(T, MINUTE, repeat(OUT, 31));
        RunPlan plan = plan(readings);
        Map<ReadingKey, StoredReading> byKey = ContractRules.byKey(readings);
        for (RunChunk chunk : plan.newChunks()) {
            List<StoredReading> rs = chunk.keys().keys().stream().map(byKey::get).toList();
            RunClaim claim = chunk.witness().claim();
            assertThat(chunk.request().circuit()).isEqualTo("excursion");
            assertThat(chunk.request().publicInputs()).isEqualTo(claim.publicInputs());
            assertThat(claim.firstTime()).isEqualTo(rs.get(0).timeMillis());
            assertThat(claim.lastTime()).isEqualTo(rs.get(rs.size() - 1).timeMillis());
            assertThat(claim.count()).isEqualTo(rs.size());
            assertThat(claim.lo()).isEqualTo(LO);
            assertThat(claim.hi()).isEqualTo(HI);
            assertThat(claim.maxGap()).isEqualTo(TERMS.maxGap());
            BigInteger root = ClaimTree.of(16, rs.stream().map(r -> r.reading().fields().hash()).toList()).root();
            assertThat(claim.root()).isEqualTo(root);
            assertThat(chunk.settlement().basis()).isEqualTo(Settlement.Basis.SEQUENCE);
        }
    }

    @Test
    void aRunMustStartAfterTheLastUnfreeze() {
        List<StoredReading> readings = even(T, MINUTE, repeat(OUT, 50));
        long unfreeze = T0 + 5 * MINUTE;
        RunPlan plan = plan(TERMS, readings, List.of(), unfreeze, lastTime(readings));
        assertThat(timeOf(readings, plan.freezeChain().get(0).first())).isEqualTo(T0 + 6 * MINUTE);
        ContractRules.assertFreezableRun(plan.freezeChain(), readings, TERMS, unfreeze, lastTime(readings));
        // a prior chain planned before that unfreeze cannot serve
        List<ClaimKeys> old = List.of(DeviceSeries.keys(readings.subList(0, 15)));
        assertThatThrownBy(() -> plan(TERMS, readings, old, unfreeze, lastTime(readings)))
                .isInstanceOfSatisfying(PlanningException.class, e -> assertThat(e.code()).isEqualTo(Code.PRIOR_CLAIM_MISMATCH));
    }

    @Test
    void freshnessExtendsTheChainOfALongRunAndAnEndedOldRunIsStale() {
        List<StoredReading> readings = even(T, MINUTE, repeat(OUT, 120));
        long now = T0 + 120 * MINUTE;
        RunPlan plan = plan(TERMS, readings, List.of(), 0, now);
        assertThat(plan.status()).isEqualTo(Status.FREEZABLE);
        ContractRules.assertFreezableRun(plan.freezeChain(), readings, TERMS, 0, now);

        long[] values = repeat(OUT, 41);
        values[40] = IN;
        List<StoredReading> ended = even(T, MINUTE, values);
        RunPlan stale = plan(TERMS, ended, List.of(), 0, T0 + 200 * MINUTE);
        assertThat(stale.status()).isEqualTo(Status.NO_RUN);
        List<ClaimKeys> prior = plan(TERMS, ended, List.of(), 0, T0 + 41 * MINUTE).freezeChain();
        assertThat(plan(TERMS, ended, prior.subList(0, 1), 0, T0 + 200 * MINUTE).status()).isEqualTo(Status.STALE);
    }

    @Test
    void coverUntilFromTheFreezeSelectionExtendsTheChainSoKRunsOverlap() {
        List<StoredReading> readings = even(T, MINUTE, repeat(OUT, 60));
        long cover = T0 + 47 * MINUTE + 30 * SECOND;
        long now = lastTime(readings);
        RunPlan plan = planner.plan(new RunPlanRequest(DEVICE, TERMS, readings, List.of(), ledgerOf(readings), 0, cover, now));
        assertThat(plan.status()).isEqualTo(Status.FREEZABLE);
        ClaimKeys last = plan.freezeChain().get(plan.freezeChain().size() - 1);
        assertThat(timeOf(readings, last.last())).isEqualTo(T0 + 48 * MINUTE);
        ContractRules.assertFreezableRun(plan.freezeChain(), readings, TERMS, 0, now);
        // a cover time beyond the run's last stored reading: the run keeps growing
        RunPlan beyond = planner.plan(new RunPlanRequest(DEVICE, TERMS, readings, List.of(), ledgerOf(readings), 0,
                T0 + 70 * MINUTE, now));
        assertThat(beyond.status()).isEqualTo(Status.GROWING);
    }

    @Test
    void aChainEndingAfterNowPlusTheClockSkewWaits() {
        List<StoredReading> readings = even(T, MINUTE, repeat(OUT, 31));
        assertThat(plan(TERMS, readings, List.of(), 0, T0 + 28 * MINUTE).status()).isEqualTo(Status.FROM_FUTURE);
        assertThat(plan(TERMS, readings, List.of(), 0, T0 + 29 * MINUTE).status()).isEqualTo(Status.FREEZABLE);
    }

    @Test
    void aHoleInTheDevicesSequenceHoldsTheWindowUntilTheMessageArrivesOrTheWaitPasses() {
        // temperature at even seqs 0..60, other messages at odd seqs; 1:41 (between readings 20 and 21) missing
        List<StoredReading> readings = Fixtures.interleaved(T, MINUTE, repeat(OUT, 31));
        long now = T0 + 30 * MINUTE + 5 * SECOND;
        RunPlan held = planner.plan(new RunPlanRequest(DEVICE, TERMS, readings, List.of(),
                Fixtures.seqsUpTo(1, 60, 41), 0, 0, now));
        assertThat(held.status()).isEqualTo(Status.WAITING_SETTLEMENT);
        assertThat(held.firstHole()).contains(new MessageId(1, 41));
        assertThat(held.freezeChain()).isEmpty();
        // the first chunk (seqs 0..28) is settled and fixed meanwhile
        assertThat(held.newChunks()).extracting(c -> c.settlement().basis()).containsExactly(Settlement.Basis.SEQUENCE);
        List<ClaimKeys> prior = held.newChunks().stream().map(RunChunk::keys).toList();

        RunPlan arrived = planner.plan(new RunPlanRequest(DEVICE, TERMS, readings, prior,
                Fixtures.seqsUpTo(1, 60), 0, 0, now));
        assertThat(arrived.status()).isEqualTo(Status.FREEZABLE);
        assertThat(arrived.newChunks()).extracting(c -> c.settlement().basis()).containsExactly(Settlement.Basis.SEQUENCE);

        RunPlan waited = planner.plan(new RunPlanRequest(DEVICE, TERMS, readings, prior,
                Fixtures.seqsUpTo(1, 60, 41), 0, 0, T0 + 30 * MINUTE + 2 * SECOND + 10 * MINUTE));
        assertThat(waited.status()).isEqualTo(Status.FREEZABLE);
        assertThat(waited.newChunks()).extracting(c -> c.settlement().basis()).containsExactly(Settlement.Basis.WAIT);
        ContractRules.assertFreezableRun(waited.freezeChain(), readings, TERMS, 0, T0 + 40 * MINUTE);
    }

    @Test
    void aReadingArrivingInsideAPlannedClaimIsRefusedNamingIt() {
        List<StoredReading> all = even(T, MINUTE, repeat(OUT, 20));
        StoredReading late = all.get(5);
        List<StoredReading> before = new ArrayList<>(all);
        before.remove(5);
        // planned over readings where reading 5 was missing (the wait had passed): 0..4, 6..15
        RunTerms wide = new RunTerms(T, LO, HI, 150 * SECOND, 30 * MINUTE, 80 * SECOND, 60 * MINUTE);
        ClaimKeys planned = DeviceSeries.keys(before.subList(0, 15));
        assertThatThrownBy(() -> plan(wide, all, List.of(planned), 0, lastTime(all)))
                .isInstanceOfSatisfying(PlanningException.class, e -> {
                    assertThat(e.code()).isEqualTo(Code.PRIOR_CLAIM_MISMATCH);
                    assertThat(e.reading()).contains(before.get(5).key());
                });
        assertThat(late.timeMillis()).isBetween(timeOf(all, planned.first()), timeOf(all, planned.last()));
    }

    @Test
    void refusesTermsTheContractRefusesAndForeignOrDuplicateReadings() {
        assertThatThrownBy(() -> new RunTerms(T, LO, HI, 2 * MINUTE, 30 * MINUTE, MINUTE, MINUTE))
                .isInstanceOfSatisfying(PlanningException.class, e -> assertThat(e.code()).isEqualTo(Code.INVALID_TERMS));
        assertThatThrownBy(() -> new RunTerms(T, HI, LO, MINUTE, 30 * MINUTE, MINUTE, MINUTE))
                .isInstanceOfSatisfying(PlanningException.class, e -> assertThat(e.code()).isEqualTo(Code.INVALID_TERMS));
        List<StoredReading> readings = new ArrayList<>(even(T, MINUTE, repeat(OUT, 5)));
        CommittedReading humidity = new CommittedReading(DEVICE, 2, 0, 0, CommittedReading.HUMIDITY, T0 + 10 * MINUTE, 5000);
        List<StoredReading> foreign = new ArrayList<>(readings);
        foreign.add(new StoredReading(humidity, T0));
        assertThatThrownBy(() -> plan(foreign))
                .isInstanceOfSatisfying(PlanningException.class, e -> assertThat(e.code()).isEqualTo(Code.FOREIGN_READING));
        CommittedReading twin = new CommittedReading(DEVICE, 2, 0, 0, T, T0 + MINUTE, OUT);
        List<StoredReading> duplicate = new ArrayList<>(readings);
        duplicate.add(new StoredReading(twin, T0));
        assertThatThrownBy(() -> plan(duplicate))
                .isInstanceOfSatisfying(PlanningException.class, e -> {
                    assertThat(e.code()).isEqualTo(Code.DUPLICATE_READING_TIME);
                    assertThat(e.reading()).isPresent();
                });
    }

    @Test
    void aValueBeyondTheCircuitsBoundIsRefusedWithTheWitnessCode() {
        List<StoredReading> readings = even(T, MINUTE, repeat(CommittedReading.VALUE_BOUND, 31));
        assertThatThrownBy(() -> plan(readings))
                .isInstanceOfSatisfying(PlanningException.class, e -> {
                    assertThat(e.code()).isEqualTo(Code.CLAIM_REFUSED);
                    assertThat(e.getMessage()).contains("VALUE_OUT_OF_BOUND");
                });
    }
}
