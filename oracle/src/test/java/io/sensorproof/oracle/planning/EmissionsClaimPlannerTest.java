package io.sensorproof.oracle.planning;

import static io.sensorproof.oracle.planning.Fixtures.DEVICE;
import static io.sensorproof.oracle.planning.Fixtures.MINUTE;
import static io.sensorproof.oracle.planning.Fixtures.ledgerOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.oracle.planning.EmissionsPlan.Status;
import io.sensorproof.oracle.planning.PlanningException.Code;
import io.sensorproof.zk.claims.CommittedReading;
import io.sensorproof.zk.claims.EmissionsClaim;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmissionsClaimPlannerTest {
    static final int REG = CommittedReading.CO2E_REGISTER;
    static final long START_S = 1_900_000_000L;
    static final long START = START_S * 1000;
    /** A 2-hour period, maxGap 15 min, register readings every 2 minutes. */
    static final PeriodTerms PERIOD = new PeriodTerms(START_S, START_S + 7200, 15 * MINUTE);
    final EmissionsClaimPlanner planner = new EmissionsClaimPlanner(new SettlementRule(Duration.ofMinutes(10)));

    /** Register readings at the given offsets from the period start, +100 g each. */
    static List<StoredReading> register(long... offsets) {
        long[] times = new long[offsets.length];
        long[] values = new long[offsets.length];
        for (int i = 0; i < offsets.length; i++) {
            times[i] = START + offsets[i];
            values[i] = 5_000_000 + 100L * i;
        }
        return Fixtures.series(DEVICE, REG, times, values, 3);
    }

    static long[] every(long from, long step, int count) {
        long[] out = new long[count];
        for (int i = 0; i < count; i++) {
            out[i] = from + i * step;
        }
        return out;
    }

    EmissionsPlan plan(List<StoredReading> readings, List<ClaimKeys> prior, long now) {
        return planner.plan(new EmissionsPlanRequest(DEVICE, PERIOD, readings, prior, ledgerOf(readings), now));
    }

    static long time(List<StoredReading> readings, ReadingKey key) {
        return ContractRules.byKey(readings).get(key).timeMillis();
    }

    @Test
    void claimsAreFixedAsReadingsFillATreeNotAtThePeriodsEnd() {
        List<StoredReading> readings = register(every(0, 2 * MINUTE, 40));
        EmissionsPlan plan = plan(readings, List.of(), START + 80 * MINUTE);
        assertThat(plan.status()).isEqualTo(Status.OPEN);
        assertThat(plan.newClaims()).extracting(c -> c.keys().size()).containsExactly(32);
        EmissionsClaim claim = plan.newClaims().get(0).witness().claim();
        assertThat(claim.firstTime()).isEqualTo(START);
        assertThat(claim.count()).isEqualTo(32);
        assertThat(plan.newClaims().get(0).request().circuit()).isEqualTo("emissions");
        ContractRules.assertEmissionsChain(plan.chain(), readings, PERIOD);
    }

    @Test
    void consecutiveClaimsShareTheirBoundaryReadingAndTheChainReachesTheEnd() {
        // 61 readings every 2 minutes from the start to the end itself (offset 120 min)
        List<StoredReading> readings = register(every(0, 2 * MINUTE, 61));
        EmissionsPlan plan = plan(readings, List.of(), START + 121 * MINUTE);
        assertThat(plan.status()).isEqualTo(Status.COMPLETE);
        assertThat(plan.chain()).extracting(ClaimKeys::size).containsExactly(32, 30);
        assertThat(plan.chain().get(1).first()).isEqualTo(plan.chain().get(0).last());
        assertThat(time(readings, plan.chain().get(1).last())).isEqualTo(PERIOD.endMillis());
        EmissionsClaim second = plan.newClaims().get(1).witness().claim();
        EmissionsClaim first = plan.newClaims().get(0).witness().claim();
        assertThat(second.firstTotal()).isEqualTo(first.lastTotal());
        ContractRules.assertEmissionsChain(plan.chain(), readings, PERIOD);
    }

    @Test
    void readingsBeforeTheStartAndAfterEndPlusMaxGapAreNotClaimed() {
        long[] offsets = every(-4 * MINUTE, 2 * MINUTE, 60);
        long[] withLate = new long[offsets.length + 1];
        System.arraycopy(offsets, 0, withLate, 0, offsets.length);
        // the last before the end is at 114 min; the next comes 16 min after the end: beyond maxGap
        withLate[withLate.length - 1] = 136 * MINUTE;
        List<StoredReading> readings = register(withLate);
        EmissionsPlan plan = plan(readings, List.of(), START + 137 * MINUTE);
        assertThat(plan.status()).isEqualTo(Status.COMPLETE);
        assertThat(time(readings, plan.chain().get(0).first())).isEqualTo(START);
        assertThat(time(readings, plan.chain().get(plan.chain().size() - 1).last())).isEqualTo(START + 114 * MINUTE);
        ContractRules.assertEmissionsChain(plan.chain(), readings, PERIOD);
    }

    @Test
    void theFirstReadingAfterTheEndWithinMaxGapClosesTheChain() {
        long[] offsets = every(0, 2 * MINUTE, 60);
        long[] withLate = new long[offsets.length + 2];
        System.arraycopy(offsets, 0, withLate, 0, offsets.length);
        withLate[60] = 121 * MINUTE;
        withLate[61] = 123 * MINUTE;
        List<StoredReading> readings = register(withLate);
        EmissionsPlan plan = plan(readings, List.of(), START + 124 * MINUTE);
        assertThat(plan.status()).isEqualTo(Status.COMPLETE);
        assertThat(time(readings, plan.chain().get(plan.chain().size() - 1).last())).isEqualTo(START + 121 * MINUTE);
        ContractRules.assertEmissionsChain(plan.chain(), readings, PERIOD);
    }

    @Test
    void withoutAReadingAfterTheEndTheLastClaimWaitsUntilEndPlusMaxGap() {
        List<StoredReading> readings = register(every(0, 2 * MINUTE, 60));
        EmissionsPlan open = plan(readings, List.of(), START + 120 * MINUTE + 15 * MINUTE);
        assertThat(open.status()).isEqualTo(Status.OPEN);
        List<ClaimKeys> prior = open.newClaims().stream().map(EmissionsChunk::keys).toList();
        EmissionsPlan done = plan(readings, prior, START + 120 * MINUTE + 15 * MINUTE + 1);
        assertThat(done.status()).isEqualTo(Status.COMPLETE);
        assertThat(done.newClaims()).extracting(c -> c.keys().size()).containsExactly(29);
        ContractRules.assertEmissionsChain(done.chain(), readings, PERIOD);
    }

    @Test
    void aGapOverMaxGapStaysInTheClaimAsGapTime() {
        // readings at 0, 2, 4 min, a 40-minute outage, then every 4 min to the end
        List<Long> offsets = new ArrayList<>(List.of(0L, 2 * MINUTE, 4 * MINUTE));
        for (long t = 44 * MINUTE; t <= 120 * MINUTE; t += 4 * MINUTE) {
            offsets.add(t);
        }
        List<StoredReading> readings = register(offsets.stream().mapToLong(Long::longValue).toArray());
        EmissionsPlan plan = plan(readings, List.of(), START + 121 * MINUTE);
        assertThat(plan.status()).isEqualTo(Status.COMPLETE);
        long gapTime = plan.newClaims().stream().mapToLong(c -> c.witness().claim().gapTime()).sum();
        assertThat(gapTime).isEqualTo(40 * MINUTE);
        ContractRules.assertEmissionsChain(plan.chain(), readings, PERIOD);
    }

    @Test
    void aRegisterThatGoesDownIsRefusedNamingTheReading() {
        List<StoredReading> readings = new ArrayList<>(register(every(0, 2 * MINUTE, 10)));
        StoredReading fifth = readings.get(5);
        CommittedReading r = fifth.reading();
        readings.set(5, new StoredReading(new CommittedReading(r.device(), r.boot(), r.seq(), r.recordIndex(), REG,
                r.timeMillis(), readings.get(4).value() - 1), fifth.arrivedAtMillis()));
        assertThatThrownBy(() -> plan(readings, List.of(), START + 30 * MINUTE))
                .isInstanceOfSatisfying(PlanningException.class, e -> {
                    assertThat(e.code()).isEqualTo(Code.REGISTER_DECREASED);
                    assertThat(e.reading()).contains(fifth.key());
                });
    }

    @Test
    void aPeriodOverWithOneReadingHasNothingToClaim() {
        List<StoredReading> readings = register(60 * MINUTE);
        assertThat(plan(readings, List.of(), START + 200 * MINUTE).status()).isEqualTo(Status.NOTHING_TO_CLAIM);
        assertThat(plan(readings, List.of(), START + 100 * MINUTE).status()).isEqualTo(Status.OPEN);
    }

    @Test
    void aHoleInTheSequenceHoldsTheFullClaimBack() {
        List<StoredReading> readings = register(every(0, 2 * MINUTE, 40));
        // readings 12..14 are in message 1:4, which the gateway has not seen: they are not stored either
        List<StoredReading> stored = Fixtures.without(readings, id -> id.seq() == 4);
        AccountedMessages ledger = Fixtures.ledgerOf(stored);
        long now = START + 80 * MINUTE;
        EmissionsPlan held = planner.plan(new EmissionsPlanRequest(DEVICE, PERIOD, stored, List.of(), ledger,
                readings.get(35).arrivedAtMillis()));
        assertThat(held.status()).isEqualTo(Status.WAITING_SETTLEMENT);
        assertThat(held.firstHole()).contains(new MessageId(1, 4));
        EmissionsPlan waited = planner.plan(new EmissionsPlanRequest(DEVICE, PERIOD, stored, List.of(), ledger, now + 10 * MINUTE));
        assertThat(waited.newClaims()).extracting(c -> c.settlement().basis()).containsExactly(Settlement.Basis.WAIT);
        // the late message then lands inside the fixed claim: refused, naming the first reading out of place
        List<ClaimKeys> prior = waited.newClaims().stream().map(EmissionsChunk::keys).toList();
        assertThatThrownBy(() -> plan(readings, prior, now + 20 * MINUTE))
                .isInstanceOfSatisfying(PlanningException.class, e -> assertThat(e.code()).isEqualTo(Code.PRIOR_CLAIM_MISMATCH));
    }

    @Test
    void witnessesCarryTheClaimOfTheirReadings() {
        List<StoredReading> readings = register(every(0, 2 * MINUTE, 61));
        EmissionsPlan plan = plan(readings, List.of(), START + 121 * MINUTE);
        Map<ReadingKey, StoredReading> byKey = ContractRules.byKey(readings);
        for (EmissionsChunk chunk : plan.newClaims()) {
            List<StoredReading> rs = chunk.keys().keys().stream().map(byKey::get).toList();
            EmissionsClaim claim = chunk.witness().claim();
            assertThat(chunk.request().publicInputs()).isEqualTo(claim.publicInputs());
            assertThat(claim.firstTime()).isEqualTo(rs.get(0).timeMillis());
            assertThat(claim.lastTotal()).isEqualTo(rs.get(rs.size() - 1).value());
            assertThat(claim.maxGap()).isEqualTo(PERIOD.maxGap());
        }
    }

    @Test
    void refusesPeriodTermsTheContractRefuses() {
        assertThatThrownBy(() -> new PeriodTerms(START_S, START_S, MINUTE))
                .isInstanceOfSatisfying(PlanningException.class, e -> assertThat(e.code()).isEqualTo(Code.INVALID_TERMS));
        assertThatThrownBy(() -> new PeriodTerms(START_S, START_S + 1, 0))
                .isInstanceOfSatisfying(PlanningException.class, e -> assertThat(e.code()).isEqualTo(Code.INVALID_TERMS));
    }
}
