package io.sensorproof.gateway.core.collateral;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.gateway.core.lots.LotTerms;
import io.sensorproof.gateway.core.lots.PledgedLot;
import io.sensorproof.gateway.core.lots.Watch;
import io.sensorproof.gateway.core.rules.EngineSettings;
import io.sensorproof.gateway.core.rules.GapRule;
import io.sensorproof.gateway.core.rules.ReadingKey;
import io.sensorproof.gateway.core.rules.ReadingPoint;
import io.sensorproof.gateway.core.rules.Rule;
import io.sensorproof.gateway.core.rules.TamperKind;
import io.sensorproof.gateway.core.rules.TamperingRule;
import io.sensorproof.gateway.core.rules.ThresholdRule;
import io.sensorproof.protocol.senml.Quantity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A device of a lot evaluated in steps, each from the snapshot the previous step stored, as the
 * gateway does: terms become rules, engine events become store changes.
 */
class DeviceEvaluationTest {
    private static final String DEVICE = "cold-room-7";
    private static final long T0 = 1_800_000_000_000L;
    /** 0 °C and 8 °C in centi-kelvin. */
    private static final long LO = 27315;
    private static final long HI = 28115;
    private static final Instant NOW = Instant.ofEpochMilli(T0 + 3_600_000);
    /** 8 °C hi, 20 s minimum duration, maxGap 9 s (sampling every 5 s). */
    private static final PledgedLot LOT = new PledgedLot(7, "acme", "bank-a", List.of(DEVICE), Optional.of(new LotTerms(List.of(
            new Watch(Quantity.TEMPERATURE, LO, HI, 20_000, 9_000, 5_000, 86_400_000, 1)))), 1, Optional.empty());

    private Optional<byte[]> snapshot = Optional.empty();

    private static ReadingPoint at(long seconds, long value) {
        return new ReadingPoint(Quantity.TEMPERATURE, T0 + seconds * 1000, value, new ReadingKey(1, seconds, 0));
    }

    private List<AlertChange> step(List<ReadingPoint> points, Optional<Instant> tick) {
        DeviceEvaluation.Result r = DeviceEvaluation.evaluate(EngineSettings.DEFAULTS, LotRules.DEFAULTS, LOT, DEVICE, snapshot,
                points, tick, NOW);
        snapshot = r.snapshot();
        return r.changes();
    }

    @Test
    void termsBecomeAThresholdRulePerWatchWithHysteresisAndOneGapRule() {
        List<Rule> rules = LotRules.DEFAULTS.rules(LOT.terms());

        assertThat(rules).containsExactly(
                new ThresholdRule("threshold.temperature", Quantity.TEMPERATURE, LO, HI, Duration.ofSeconds(20), 50,
                        Duration.ofSeconds(9)),
                new GapRule("gap", Optional.empty(), Duration.ofSeconds(18)),
                new TamperingRule("tamper", 1, LotRules.TAMPER_WINDOW));
        assertThat(LotRules.DEFAULTS.rules(Optional.empty())).isEmpty();
    }

    @Test
    void hysteresisShrinksForANarrowRange() {
        LotTerms narrow = new LotTerms(List.of(new Watch(Quantity.TEMPERATURE, 100, 140, 1000, 900, 500, 1000, 1)));

        assertThat(((ThresholdRule) LotRules.DEFAULTS.rules(Optional.of(narrow)).get(0)).hysteresis()).isEqualTo(20);
    }

    @Test
    void sustainedExcursionAcrossStepsOpensOneAlertWithTimesRunAndEvidence() {
        List<AlertChange> changes = new ArrayList<>();
        for (long s = 0; s <= 40; s += 5) {
            changes.addAll(step(List.of(at(s, s >= 10 ? HI + 200 : LO + 400)), Optional.empty()));
        }

        assertThat(changes).extracting(AlertChange::kind).first().isEqualTo(AlertChange.Kind.OPENED);
        assertThat(changes).filteredOn(c -> c.kind() == AlertChange.Kind.OPENED).hasSize(1);
        AlertChange opened = changes.get(0);
        assertThat(opened.lotId()).isEqualTo(7);
        assertThat(opened.rule()).isEqualTo(LotRules.THRESHOLD);
        assertThat(opened.quantity()).contains(Quantity.TEMPERATURE);
        assertThat(opened.firstOutOfRange()).contains(Instant.ofEpochMilli(T0 + 10_000));
        assertThat(opened.lastOutOfRange()).contains(Instant.ofEpochMilli(T0 + 30_000));
        assertThat(opened.runFirst()).contains(Instant.ofEpochMilli(T0 + 10_000));
        assertThat(opened.evidence()).extracting(k -> k.seq()).containsExactly(10L, 15L, 20L, 25L, 30L);
        assertThat(opened.actor()).isEqualTo(DeviceEvaluation.ACTOR);
    }

    @Test
    void spikeShorterThanMinimumDurationOpensNothing() {
        List<AlertChange> changes = new ArrayList<>();
        for (long s = 0; s <= 60; s += 5) {
            changes.addAll(step(List.of(at(s, s >= 10 && s <= 20 ? HI + 200 : LO + 400)), Optional.empty()));
        }

        assertThat(changes).isEmpty();
    }

    @Test
    void oscillationAroundTheThresholdIsOneAlert() {
        List<AlertChange> changes = new ArrayList<>();
        for (long s = 0; s <= 120; s += 5) {
            changes.addAll(step(List.of(at(s, s % 10 == 0 ? HI + 30 : HI - 10)), Optional.empty()));
        }

        assertThat(changes).filteredOn(c -> c.kind() == AlertChange.Kind.OPENED).hasSize(1);
        assertThat(changes).noneMatch(c -> c.kind() == AlertChange.Kind.RESOLVED);
    }

    @Test
    void lateReadingsThatCompleteTheDurationOpenTheAlert() {
        assertThat(step(List.of(at(0, LO + 400), at(10, HI + 200), at(15, HI + 200)), Optional.empty())).isEmpty();
        assertThat(step(List.of(at(40, LO + 400)), Optional.empty())).isEmpty();

        List<AlertChange> late = step(List.of(at(20, HI + 200), at(25, HI + 200), at(30, HI + 200), at(35, HI + 100)),
                Optional.empty());

        assertThat(late).extracting(AlertChange::kind).containsExactly(AlertChange.Kind.OPENED, AlertChange.Kind.RESOLVED);
        assertThat(late.get(0).firstOutOfRange()).contains(Instant.ofEpochMilli(T0 + 10_000));
    }

    @Test
    void aSilentDeviceOpensAGapAlertOnTickAndAReadingResolvesIt() {
        step(List.of(at(0, LO + 400)), Optional.empty());
        assertThat(step(List.of(), Optional.of(Instant.ofEpochMilli(T0 + 10_000)))).isEmpty();

        List<AlertChange> silent = step(List.of(), Optional.of(Instant.ofEpochMilli(T0 + 30_000)));

        assertThat(silent).hasSize(1);
        assertThat(silent.get(0).kind()).isEqualTo(AlertChange.Kind.OPENED);
        assertThat(silent.get(0).rule()).isEqualTo(LotRules.GAP);
        assertThat(silent.get(0).quantity()).isEmpty();
        assertThat(step(List.of(), Optional.of(Instant.ofEpochMilli(T0 + 40_000)))).isEmpty();
        assertThat(step(List.of(at(41, LO + 400)), Optional.empty())).extracting(AlertChange::kind)
                .containsExactly(AlertChange.Kind.RESOLVED);
    }

    @Test
    void aSupersededAlertIsNotResolvedInTheStoreBecauseItsSuccessorUpdatesTheSameRow() {
        for (long s = 20; s <= 45; s += 5) {
            step(List.of(at(s, HI + 200)), Optional.empty());
        }

        List<AlertChange> earlier = step(List.of(at(15, HI + 200)), Optional.empty());

        assertThat(earlier).extracting(AlertChange::kind).containsExactly(AlertChange.Kind.OPENED);
        assertThat(earlier.get(0).firstOutOfRange()).contains(Instant.ofEpochMilli(T0 + 15_000));
    }

    @Test
    void repeatedReadingsAfterARestartChangeNothing() {
        List<ReadingPoint> all = new ArrayList<>();
        for (long s = 0; s <= 40; s += 5) {
            all.add(at(s, s >= 10 ? HI + 200 : LO + 400));
        }
        assertThat(step(all, Optional.empty())).hasSize(1);

        assertThat(step(all, Optional.empty())).isEmpty();
    }

    private static MessageEvidence evidence(TamperKind kind, long seq, long secondsAfterT0) {
        return new MessageEvidence(DEVICE, kind, "00112233445566778899aabbccddeeff", 3, seq, "ab".repeat(32),
                Instant.ofEpochMilli(T0 + secondsAfterT0 * 1000));
    }

    private List<AlertChange> tamperStep(List<MessageEvidence> evidence, Optional<Instant> tick) {
        DeviceEvaluation.Result r = DeviceEvaluation.evaluate(EngineSettings.DEFAULTS, LotRules.DEFAULTS, LOT, DEVICE, snapshot,
                List.of(), evidence, tick, NOW);
        snapshot = r.snapshot();
        return r.changes();
    }

    @Test
    void tamperEvidenceOpensOneTamperingAlertShowingTheMessageKeysAndRepeatsAddNothing() {
        MessageEvidence dup = evidence(TamperKind.CONFLICTING_DUPLICATE, 41, 10);
        MessageEvidence revoked = evidence(TamperKind.REVOKED_KEY, 42, 20);

        List<AlertChange> opened = tamperStep(List.of(dup), Optional.empty());
        List<AlertChange> updated = tamperStep(List.of(revoked), Optional.empty());
        List<AlertChange> repeated = tamperStep(List.of(dup, revoked), Optional.empty());

        assertThat(opened).singleElement().satisfies(c -> {
            assertThat(c.kind()).isEqualTo(AlertChange.Kind.OPENED);
            assertThat(c.rule()).isEqualTo(LotRules.TAMPERING);
            assertThat(c.quantity()).isEmpty();
            assertThat(c.evidence()).isEmpty();
            assertThat(c.messages()).containsExactly(dup);
            assertThat(c.firstOutOfRange()).contains(dup.receivedAt());
        });
        assertThat(updated).singleElement().satisfies(c -> {
            assertThat(c.kind()).isEqualTo(AlertChange.Kind.UPDATED);
            assertThat(c.messages()).containsExactly(dup, revoked);
            assertThat(c.lastOutOfRange()).contains(revoked.receivedAt());
        });
        assertThat(repeated).isEmpty();
    }

    @Test
    void tamperingAlertResolvesAfterAQuietWindow() {
        tamperStep(List.of(evidence(TamperKind.REVOKED_KEY, 1, 0)), Optional.empty());

        List<AlertChange> quiet = tamperStep(List.of(), Optional.of(Instant.ofEpochMilli(T0).plus(LotRules.TAMPER_WINDOW)));

        assertThat(quiet).filteredOn(c -> c.rule().equals(LotRules.TAMPERING)).singleElement()
                .satisfies(c -> assertThat(c.kind()).isEqualTo(AlertChange.Kind.RESOLVED));
    }

    @Test
    void messageEvidenceSurvivesTheEnginesReferenceForm() {
        MessageEvidence e = evidence(TamperKind.REVOKED_KEY, 9, 5);

        assertThat(MessageEvidence.fromEngine(e.toEngine())).isEqualTo(e);
    }
}
