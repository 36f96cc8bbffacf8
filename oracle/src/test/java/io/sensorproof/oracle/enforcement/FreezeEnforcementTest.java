package io.sensorproof.oracle.enforcement;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.oracle.enforcement.FreezeStep.NewClaim;
import io.sensorproof.oracle.jobs.kinds.FreezeHandler;
import io.sensorproof.oracle.planning.AccountedMessages;
import io.sensorproof.oracle.planning.ClaimKeys;
import io.sensorproof.oracle.planning.PlanningException;
import io.sensorproof.oracle.planning.ReadingKey;
import io.sensorproof.oracle.planning.RunClaimPlanner;
import io.sensorproof.oracle.planning.RunPlan.Status;
import io.sensorproof.oracle.planning.RunTerms;
import io.sensorproof.oracle.planning.SettlementRule;
import io.sensorproof.oracle.planning.StoredReading;
import io.sensorproof.zk.claims.CommittedReading;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The enforcement loop's decisions: claims fixed as the run grows, none fixed twice when the prior
 * claims come back, the freeze only once every claim of the chain is anchored, with the same key on
 * every look, k devices, and evidence no chain can be built from refused per device without stopping
 * the others.
 */
class FreezeEnforcementTest {
    private static final long T0 = 1_800_000_000_000L;
    private static final long SECOND = 1000;
    private static final long MINUTE = 60 * SECOND;
    private static final int T = CommittedReading.TEMPERATURE;
    private static final long OUT = 29_015;
    private static final long IN = 27_815;
    private static final RunTerms TERMS = new RunTerms(T, 27_315, 28_115, 90 * SECOND, 30 * MINUTE, MINUTE, 60 * MINUTE);
    private static final BigInteger A = device("probe-a");
    private static final BigInteger B = device("probe-b");
    private static final BigInteger FACILITY = BigInteger.valueOf(7);

    private final FreezeEnforcement enforcement = new FreezeEnforcement(new RunClaimPlanner(new SettlementRule(Duration.ofMinutes(10))));

    private static BigInteger device(String id) {
        return new BigInteger(1, id.getBytes(StandardCharsets.US_ASCII));
    }

    /** {@code count} readings of {@code device} one minute apart from {@code start}, out of range from index {@code firstOut}. */
    private static List<StoredReading> readings(BigInteger device, long start, int count, int firstOut) {
        List<StoredReading> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long time = start + i * MINUTE;
            out.add(new StoredReading(new CommittedReading(device, 1, i, 0, T, time, i >= firstOut ? OUT : IN), time + 2 * SECOND));
        }
        return out;
    }

    private static DeviceEvidence evidence(List<StoredReading> readings, List<PlannedClaim> prior) {
        return new DeviceEvidence(readings, AccountedMessages.of(readings.stream().map(StoredReading::message).distinct().toList()),
                prior);
    }

    private static long last(List<StoredReading> readings) {
        return readings.stream().mapToLong(StoredReading::timeMillis).max().orElseThrow();
    }

    private static List<PlannedClaim> kept(List<NewClaim> claims, boolean anchored) {
        return claims.stream().map(c -> new PlannedClaim(c.chunk().keys(), c.claimId(), anchored)).toList();
    }

    @Test
    void claimsAreFixedAsTheRunGrowsAndNeverTwice() {
        // 17 out-of-range readings: the first 15 are fixed as soon as two more follow, long before 30 minutes
        List<StoredReading> early = readings(A, T0, 18, 1);
        FreezeStep first = enforcement.step(FACILITY, List.of(A), TERMS, 1, 0, last(early) + 5 * SECOND,
                Map.of(A, evidence(early, List.of())));
        assertThat(first.newClaims().get(A)).extracting(c -> c.chunk().keys().size()).containsExactly(15);
        assertThat(first.statuses()).containsEntry(A, Status.GROWING);
        assertThat(first.freeze()).isEmpty();
        NewClaim fixed = first.newClaims().get(A).get(0);
        assertThat(fixed.job().idempotencyKey()).isEqualTo("run-claim:" + fixed.claimId());

        // the same look with the claim handed back: nothing new
        FreezeStep again = enforcement.step(FACILITY, List.of(A), TERMS, 1, 0, last(early) + 5 * SECOND,
                Map.of(A, evidence(early, kept(first.newClaims().get(A), false))));
        assertThat(again.newClaims()).isEmpty();
        assertThat(again.freeze()).isEmpty();
    }

    @Test
    void theFreezeWaitsForEveryClaimOfTheChainToBeAnchoredAndKeepsItsKey() {
        List<StoredReading> early = readings(A, T0, 18, 1);
        long now1 = last(early) + 5 * SECOND;
        List<PlannedClaim> prior = kept(enforcement.step(FACILITY, List.of(A), TERMS, 1, 0, now1,
                Map.of(A, evidence(early, List.of()))).newClaims().get(A), false);

        // the run reaches 30 minutes: the last claim is fixed, the first is not anchored yet
        List<StoredReading> full = readings(A, T0, 33, 1);
        long now = last(full) + 5 * SECOND;
        FreezeStep reached = enforcement.step(FACILITY, List.of(A), TERMS, 1, 0, now, Map.of(A, evidence(full, prior)));
        assertThat(reached.statuses()).containsEntry(A, Status.FREEZABLE);
        assertThat(reached.freeze()).isEmpty();
        List<String> expectedWait = new ArrayList<>(List.of(prior.get(0).claimId()));
        reached.newClaims().get(A).forEach(c -> expectedWait.add(c.claimId()));
        assertThat(reached.waitingFor()).containsExactlyElementsOf(expectedWait);

        List<PlannedClaim> both = new ArrayList<>(prior);
        both.addAll(kept(reached.newClaims().get(A), false));
        FreezeStep proving = enforcement.step(FACILITY, List.of(A), TERMS, 1, 0, now, Map.of(A, evidence(full, both)));
        assertThat(proving.newClaims()).isEmpty();
        assertThat(proving.freeze()).isEmpty();
        assertThat(proving.waitingFor()).containsExactlyElementsOf(expectedWait);

        // all anchored but the last: still waiting
        List<PlannedClaim> half = new ArrayList<>(both.stream().map(FreezeEnforcementTest::anchored).toList());
        half.set(half.size() - 1, both.get(both.size() - 1));
        assertThat(enforcement.step(FACILITY, List.of(A), TERMS, 1, 0, now, Map.of(A, evidence(full, half))).freeze()).isEmpty();

        List<PlannedClaim> anchored = both.stream().map(FreezeEnforcementTest::anchored).toList();
        FreezeStep ready = enforcement.step(FACILITY, List.of(A), TERMS, 1, 0, now, Map.of(A, evidence(full, anchored)));
        assertThat(ready.waitingFor()).isEmpty();
        assertThat(ready.freeze()).contains(FreezeHandler.job(FACILITY, T, List.of(expectedWait)));
        // a later look, two more readings stored: the same freeze job
        List<StoredReading> later = readings(A, T0, 35, 1);
        FreezeStep laterStep = enforcement.step(FACILITY, List.of(A), TERMS, 1, 0, last(later) + 5 * SECOND,
                Map.of(A, evidence(later, anchored)));
        assertThat(laterStep.freeze().orElseThrow().idempotencyKey()).isEqualTo(ready.freeze().orElseThrow().idempotencyKey());
    }

    @Test
    void kDevicesMustOverlapBeforeAnyFreeze() {
        List<StoredReading> a = readings(A, T0, 33, 1);
        // B's excursion starts after A's has ended: they do not overlap
        List<StoredReading> aEnded = new ArrayList<>(a);
        aEnded.add(new StoredReading(new CommittedReading(A, 1, 33, 0, T, T0 + 33 * MINUTE, IN), T0 + 33 * MINUTE + 2 * SECOND));
        List<StoredReading> b = readings(B, T0 + 40 * MINUTE, 33, 1);
        long now = last(b) + 5 * SECOND;
        FreezeStep step = enforcement.step(FACILITY, List.of(A, B), TERMS, 2, 0, now,
                Map.of(A, evidence(aEnded, List.of()), B, evidence(b, List.of())));
        assertThat(step.freeze()).isEmpty();
        assertThat(step.waitingFor()).isEmpty();
        // both devices' claims are still fixed and proven (the evidence exists either way)
        assertThat(step.newClaims()).containsKeys(A, B);
    }

    @Test
    void evidenceNoChainCanBeBuiltFromIsRefusedForThatDeviceOnly() {
        List<StoredReading> a = readings(A, T0, 33, 1);
        List<StoredReading> b = readings(B, T0, 33, 1);
        // a prior claim of A whose first reading is not stored
        PlannedClaim ghost = new PlannedClaim(new ClaimKeys(List.of(new ReadingKey(A, 9, 9, 0), new ReadingKey(A, 9, 10, 0))),
                "0x" + "ab".repeat(32), true);
        long now = last(b) + 5 * SECOND;
        FreezeStep step = enforcement.step(FACILITY, List.of(A, B), TERMS, 1, 0, now,
                Map.of(A, evidence(a, List.of(ghost)), B, evidence(b, List.of())));
        assertThat(step.refusals()).containsOnlyKeys(A);
        assertThat(step.refusals().get(A).code()).isEqualTo(PlanningException.Code.PRIOR_CLAIM_MISMATCH);
        assertThat(step.statuses()).containsEntry(B, Status.FREEZABLE);
        assertThat(step.newClaims()).containsOnlyKeys(B);
    }

    private static PlannedClaim anchored(PlannedClaim p) {
        return new PlannedClaim(p.keys(), p.claimId(), true);
    }
}
