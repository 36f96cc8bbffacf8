package io.sensorproof.oracle.enforcement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.oracle.chain.SignedTransaction;
import io.sensorproof.oracle.enforcement.FreezeLoopRules.FreezeAttempt;
import io.sensorproof.oracle.enforcement.FreezeLoopRules.FreezeOutcome;
import io.sensorproof.oracle.enforcement.FreezeLoopRules.FreezeState;
import io.sensorproof.oracle.enforcement.FreezeLoopRules.RefusalAction;
import io.sensorproof.oracle.jobs.Job;
import io.sensorproof.oracle.jobs.JobFailure;
import io.sensorproof.oracle.jobs.JobState;
import io.sensorproof.oracle.planning.AccountedMessages;
import io.sensorproof.oracle.planning.RunClaimPlanner;
import io.sensorproof.oracle.planning.RunPlanRequest;
import io.sensorproof.oracle.planning.RunTerms;
import io.sensorproof.oracle.planning.SettlementRule;
import io.sensorproof.oracle.planning.StoredReading;
import io.sensorproof.zk.claims.CommittedReading;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * The freeze loop's decisions around the planner: which facilities it looks at, which readings it loads,
 * which run a device's stored claims belong to (a run that ended short is left behind, a run that started
 * before the bank's unfreeze never counts), and what a freeze job's state means for the recorded freeze.
 */
class FreezeLoopRulesTest {
    private static final long T0 = 1_800_000_000_000L;
    private static final long SECOND = 1000;
    private static final long MINUTE = 60 * SECOND;
    private static final int T = CommittedReading.TEMPERATURE;
    private static final long OUT = 29_015;
    private static final long IN = 27_815;
    private static final RunTerms TERMS = new RunTerms(T, 27_315, 28_115, 90 * SECOND, 30 * MINUTE, MINUTE, 60 * MINUTE);
    private static final BigInteger DEVICE = BigInteger.valueOf(0x70726f6265L);
    private static final RunClaimPlanner PLANNER = new RunClaimPlanner(new SettlementRule(Duration.ofMinutes(10)));

    /** One reading a minute from T0, message seq = index; {@code out[i]} says whether reading i is out of range. */
    private static List<StoredReading> readings(boolean... out) {
        List<StoredReading> list = new ArrayList<>();
        for (int i = 0; i < out.length; i++) {
            long time = T0 + i * MINUTE;
            list.add(new StoredReading(new CommittedReading(DEVICE, 1, i, 0, T, time, out[i] ? OUT : IN), time + 2 * SECOND));
        }
        return list;
    }

    private static boolean[] pattern(String p) {
        boolean[] out = new boolean[p.length()];
        for (int i = 0; i < p.length(); i++) {
            out[i] = p.charAt(i) == 'x';
        }
        return out;
    }

    private static RunPlanRequest probe(List<StoredReading> readings, long notBefore) {
        long now = readings.get(readings.size() - 1).timeMillis() + 5 * SECOND;
        return new RunPlanRequest(DEVICE, TERMS, readings, List.of(),
                AccountedMessages.of(readings.stream().map(StoredReading::message).distinct().toList()), notBefore, 0, now);
    }

    @Test
    void looksOnlyAtAnActiveFacilityThatIsNotFrozen() {
        assertThat(FreezeLoopRules.looksAt(FreezeLoopRules.ACTIVE, false)).isTrue();
        assertThat(FreezeLoopRules.looksAt(FreezeLoopRules.ACTIVE, true)).as("frozen: never frozen twice").isFalse();
        assertThat(FreezeLoopRules.looksAt(1, false)).as("proposed: the contract refuses a freeze").isFalse();
        assertThat(FreezeLoopRules.looksAt(0, false)).isFalse();
    }

    @Test
    void runsMustStartAfterTheLastUnfreezeInMilliseconds() {
        assertThat(FreezeLoopRules.notBeforeMillis(0)).isZero();
        assertThat(FreezeLoopRules.notBeforeMillis(1_800_000_123L)).isEqualTo(1_800_000_123_000L);
        assertThatThrownBy(() -> FreezeLoopRules.notBeforeMillis(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aDeviceIsPlannedOnlyForOutOfRangeReadingsThatCanStillBeFresh() {
        long now = T0 + 10 * 60 * MINUTE;
        assertThat(FreezeLoopRules.excursionSince(0, TERMS, now)).isEqualTo(now - 60 * MINUTE);
        long unfrozen = now - 5 * MINUTE;
        assertThat(FreezeLoopRules.excursionSince(unfrozen, TERMS, now)).isEqualTo(unfrozen + 1);
    }

    @Test
    void readingsAreLoadedFromTheStoredRunsStartHoweverOldElseFromTheFreshnessHorizon() {
        long now = T0 + 10 * 60 * MINUTE;
        long horizon = now - 60 * MINUTE - 30 * MINUTE - 90 * SECOND;
        assertThat(FreezeLoopRules.readingsFrom(0, OptionalLong.empty(), TERMS, now)).isEqualTo(horizon);
        assertThat(FreezeLoopRules.readingsFrom(0, OptionalLong.of(T0), TERMS, now)).as("a long run keeps its start").isEqualTo(T0);
        assertThat(FreezeLoopRules.readingsFrom(0, OptionalLong.of(now - MINUTE), TERMS, now)).isEqualTo(horizon);
        long unfrozen = now - 5 * MINUTE;
        assertThat(FreezeLoopRules.readingsFrom(unfrozen, OptionalLong.of(T0), TERMS, now)).as("never before the unfreeze")
                .isEqualTo(unfrozen + 1);
    }

    @Test
    void theCurrentRunSkipsARunThatEndedShort() {
        // 5 minutes out, back in range, then 18 minutes out and still growing
        List<StoredReading> r = readings(pattern("-xxxxx--xxxxxxxxxxxxxxxxxx"));
        assertThat(FreezeLoopRules.currentRunStart(PLANNER, probe(r, 0))).hasValue(T0 + 8 * MINUTE);
    }

    @Test
    void aRunThatStartedBeforeTheUnfreezeIsNotTheCurrentRun() {
        List<StoredReading> r = readings(pattern("-xxxxxxxxxxxxxxxxxxxx"));
        assertThat(FreezeLoopRules.currentRunStart(PLANNER, probe(r, 0))).hasValue(T0 + MINUTE);
        // the bank unfroze 4 minutes in: the run goes on, but only readings after the unfreeze can freeze again
        assertThat(FreezeLoopRules.currentRunStart(PLANNER, probe(r, T0 + 4 * MINUTE))).hasValue(T0 + 5 * MINUTE);
    }

    @Test
    void noRunWhenEveryReadingIsInRange() {
        assertThat(FreezeLoopRules.currentRunStart(PLANNER, probe(readings(pattern("------")), 0))).isEmpty();
    }

    @Test
    void aConfirmedJobIsFrozenWithItsTransactionAndBlock() {
        FreezeOutcome o = FreezeLoopRules.outcome(job(JobState.CONFIRMED, true, OptionalLong.of(42), Optional.empty()));
        assertThat(o.state()).isEqualTo(FreezeState.FROZEN);
        assertThat(o.transaction()).hasValue("0x" + "ab".repeat(32));
        assertThat(o.block()).hasValue(42);
        assertThat(o.failureCode()).isEmpty();
    }

    @Test
    void aFailedJobIsAFailedFreezeWithItsCode() {
        FreezeOutcome o = FreezeLoopRules.outcome(job(JobState.FAILED, false, OptionalLong.empty(),
                Optional.of(new JobFailure("REVERTED:FacilityFrozen", "frozen"))));
        assertThat(o.state()).isEqualTo(FreezeState.FAILED);
        assertThat(o.failureCode()).hasValue("REVERTED:FacilityFrozen");
        assertThat(o.transaction()).isEmpty();
    }

    @Test
    void aJobOnItsWayIsStillSubmitted() {
        for (JobState s : List.of(JobState.ASSEMBLED, JobState.SUBMITTED)) {
            FreezeOutcome o = FreezeLoopRules.outcome(job(s, s == JobState.SUBMITTED, OptionalLong.empty(), Optional.empty()));
            assertThat(o.state()).as(s.name()).isEqualTo(FreezeState.SUBMITTED);
        }
    }

    // ------------------------------------------------------------------ refused freezes (ADR 035)

    @Test
    void aRunWhoseFreezeWasRefusedForItsEvidenceIsClosedAndTheDevicesNextExcursionIsTheCurrentRun() {
        // a 31-minute excursion (reached the 30-minute target, its freeze refused: EvidenceStale), back in range,
        // then a new excursion that is growing
        List<StoredReading> r = readings(pattern("-" + "x".repeat(32) + "--" + "x".repeat(10)));
        assertThat(FreezeLoopRules.currentRunStart(PLANNER, probe(r, 0))).as("before the refusal")
                .hasValue(T0 + MINUTE);
        FreezeAttempt refused = new FreezeAttempt(1, FreezeState.FAILED, Optional.of("REVERTED:EvidenceStale"),
                List.of(List.of(claim(1), claim(2))));
        assertThat(FreezeLoopRules.closedClaims(List.of(refused))).containsExactly(claim(1), claim(2));
        // the closed claims' last reading: the end of the refused chain
        long runsAfter = FreezeLoopRules.runsAfter(0, OptionalLong.of(T0 + 32 * MINUTE));
        assertThat(FreezeLoopRules.currentRunStart(PLANNER, probe(r, runsAfter))).as("the next excursion is planned")
                .hasValue(T0 + 35 * MINUTE);
    }

    @Test
    void anExcursionThatGoesOnAfterARefusedFreezeStartsANewRunAfterTheClosedEvidence() {
        List<StoredReading> r = readings(pattern("-" + "x".repeat(45)));
        long runsAfter = FreezeLoopRules.runsAfter(0, OptionalLong.of(T0 + 31 * MINUTE));
        assertThat(FreezeLoopRules.currentRunStart(PLANNER, probe(r, runsAfter))).hasValue(T0 + 32 * MINUTE);
        assertThat(FreezeLoopRules.runsAfter(T0 + 40 * MINUTE, OptionalLong.of(T0 + 31 * MINUTE))).as("the unfreeze is later")
                .isEqualTo(T0 + 40 * MINUTE);
        assertThat(FreezeLoopRules.runsAfter(T0, OptionalLong.empty())).isEqualTo(T0);
    }

    @Test
    void eachRefusalReasonHasItsAction() {
        for (String evidence : List.of("EvidenceStale", "EvidenceFromFuture", "EvidenceBeforeUnfreeze", "RunTooShort", "RunGap",
                "RunOutOfOrder", "RunMixesDevices", "RunsDoNotOverlap", "NotEnoughDevices", "EmptyRun", "ClaimQuantityMismatch",
                "RangeNarrowerThanTerms", "ClaimMaxGapTooLarge", "ClaimAlreadyUsed", "ClaimNotAnchored", "DeviceNotInFacility",
                "SomethingNew")) {
            assertThat(FreezeLoopRules.onRefusal("REVERTED:" + evidence)).as(evidence).isEqualTo(RefusalAction.CLOSE_RUNS);
        }
        assertThat(FreezeLoopRules.onRefusal("REVERTED:FacilityFrozen")).isEqualTo(RefusalAction.NOTHING);
        for (String facility : List.of("REVERTED:FacilityNotActive", "REVERTED:FacilityNotFound", "REVERTED:QuantityNotWatched",
                "REVERTED:AccessControlUnauthorizedAccount", "REJECTED_BY_NODE", "NONCE_TAKEN", "FAILED")) {
            assertThat(FreezeLoopRules.onRefusal(facility)).as(facility).isEqualTo(RefusalAction.REPLAN);
        }
    }

    @Test
    void onlyRefusedEvidenceClosesRuns() {
        List<List<String>> runs = List.of(List.of(claim(1)), List.of(claim(2)));
        assertThat(FreezeLoopRules.closedClaims(List.of(
                new FreezeAttempt(1, FreezeState.FAILED, Optional.of("REVERTED:FacilityFrozen"), runs),
                new FreezeAttempt(1, FreezeState.FAILED, Optional.of("REVERTED:FacilityNotActive"), runs),
                new FreezeAttempt(1, FreezeState.FROZEN, Optional.empty(), runs),
                new FreezeAttempt(1, FreezeState.SUBMITTED, Optional.empty(), runs)))).isEmpty();
        assertThat(FreezeLoopRules.closedClaims(List.of(new FreezeAttempt(1, FreezeState.FAILED,
                Optional.of("REVERTED:RunGap"), runs)))).containsExactly(claim(1), claim(2));
    }

    @Test
    void aWatchIsNotPlannedWhileOneOfItsFreezesIsOutstanding() {
        List<List<String>> runs = List.of(List.of(claim(1)));
        assertThat(FreezeLoopRules.plans(List.of())).isTrue();
        assertThat(FreezeLoopRules.plans(List.of(new FreezeAttempt(1, FreezeState.FROZEN, Optional.empty(), runs),
                failed(1, "REVERTED:EvidenceStale", runs), failed(2, "REJECTED_BY_NODE", runs))))
                .as("ended freezes (an older FROZEN one is from before an unfreeze) do not hold planning").isTrue();
        assertThat(FreezeLoopRules.plans(List.of(failed(1, "REJECTED_BY_NODE", runs),
                new FreezeAttempt(2, FreezeState.SUBMITTED, Optional.empty(), runs)))).as("on its way").isFalse();
    }

    @Test
    void aRefusalThatMayClearIsSentAgainAsANewAttemptAtMostThreeTimesOthersNever() {
        List<List<String>> runs = List.of(List.of(claim(1)));
        assertThat(FreezeLoopRules.nextAttempt(List.of())).hasValue(1);
        assertThat(FreezeLoopRules.nextAttempt(List.of(new FreezeAttempt(1, FreezeState.SUBMITTED, Optional.empty(), runs))))
                .as("on its way: the same job").hasValue(1);
        assertThat(FreezeLoopRules.nextAttempt(List.of(new FreezeAttempt(1, FreezeState.FROZEN, Optional.empty(), runs))))
                .hasValue(1);
        assertThat(FreezeLoopRules.nextAttempt(List.of(failed(1, "REVERTED:EvidenceStale", runs)))).as("closed: never again")
                .hasValue(1);
        assertThat(FreezeLoopRules.nextAttempt(List.of(failed(1, "REVERTED:FacilityFrozen", runs)))).hasValue(1);
        assertThat(FreezeLoopRules.nextAttempt(List.of(failed(1, "REVERTED:FacilityNotActive", runs)))).as("a new job")
                .hasValue(2);
        assertThat(FreezeLoopRules.nextAttempt(List.of(failed(1, "REJECTED_BY_NODE", runs),
                failed(2, "REVERTED:QuantityNotWatched", runs)))).hasValue(3);
        assertThat(FreezeLoopRules.nextAttempt(List.of(failed(1, "REJECTED_BY_NODE", runs), failed(2, "REJECTED_BY_NODE", runs),
                failed(3, "REVERTED:FacilityNotActive", runs)))).as("used up").isEmpty();
    }

    @Test
    void aSettledFreezeFollowsAJobThatReconciliationReopenedBack() {
        Job reopened = job(JobState.SUBMITTED, true, OptionalLong.empty(), Optional.empty());
        Job confirmed = job(JobState.CONFIRMED, true, OptionalLong.of(42), Optional.empty());
        assertThat(FreezeLoopRules.confirmationLost(FreezeState.FROZEN, reopened)).isTrue();
        assertThat(FreezeLoopRules.confirmationLost(FreezeState.FAILED, reopened)).as("a mined revert the chain lost").isTrue();
        assertThat(FreezeLoopRules.confirmationLost(FreezeState.FROZEN, confirmed)).isFalse();
        assertThat(FreezeLoopRules.confirmationLost(FreezeState.SUBMITTED, reopened)).isFalse();
        assertThat(FreezeLoopRules.outcome(reopened).state()).as("and is SUBMITTED until it ends again")
                .isEqualTo(FreezeState.SUBMITTED);
    }

    private static FreezeAttempt failed(int attempt, String code, List<List<String>> runs) {
        return new FreezeAttempt(attempt, FreezeState.FAILED, Optional.of(code), runs);
    }

    private static String claim(int n) {
        String hex = Integer.toHexString(n);
        return "0x" + "0".repeat(64 - hex.length()) + hex;
    }

    private static Job job(JobState state, boolean signed, OptionalLong block, Optional<JobFailure> failure) {
        Instant now = Instant.parse("2027-01-01T00:00:00Z");
        Optional<SignedTransaction> tx = signed
                ? Optional.of(new SignedTransaction("0x" + "01".repeat(20), 3, "0x00", "0x" + "AB".repeat(32)))
                : Optional.empty();
        return new Job(9, "freeze", "freeze:1:1:00", "{}", state, 0, now, Optional.empty(), tx, block,
                block.isPresent() ? Optional.of("0x" + "cd".repeat(32)) : Optional.empty(), block.isPresent() ? 1 : 0,
                Optional.empty(), failure, Optional.empty(), now, now);
    }
}
