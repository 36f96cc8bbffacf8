package io.sensorproof.gateway.core.rules;

import static io.sensorproof.gateway.core.rules.Fixtures.BAND;
import static io.sensorproof.gateway.core.rules.Fixtures.DEVICE;
import static io.sensorproof.gateway.core.rules.Fixtures.HI;
import static io.sensorproof.gateway.core.rules.Fixtures.IN;
import static io.sensorproof.gateway.core.rules.Fixtures.OUT;
import static io.sensorproof.gateway.core.rules.Fixtures.at;
import static io.sensorproof.gateway.core.rules.Fixtures.coldRoom;
import static io.sensorproof.gateway.core.rules.Fixtures.engine;
import static io.sensorproof.gateway.core.rules.Fixtures.key;
import static io.sensorproof.gateway.core.rules.Fixtures.minute;
import static io.sensorproof.gateway.core.rules.Fixtures.types;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThresholdRuleTest {
    private final RuleEngine engine = engine(coldRoom());
    private final List<AlertEvent> all = new ArrayList<>();

    private EngineResult feed(ReadingPoint... points) {
        EngineResult r = engine.onReadings(DEVICE, List.of(points));
        all.addAll(r.events());
        return r;
    }

    private List<AlertEvent> of(AlertEventType type) {
        return all.stream().filter(e -> e.type() == type).toList();
    }

    @Test
    void aSpikeShorterThanTheMinimumDurationOpensNothing() {
        feed(at(0, IN));
        for (int m = 1; m <= 9; m++) {
            feed(at(m, OUT));
        }
        feed(at(10, IN), at(11, IN));

        assertThat(all).isEmpty();
        assertThat(engine.alerts(DEVICE)).isEmpty();
    }

    @Test
    void aSustainedExcursionOpensExactlyOneAlertAtTheReadingThatCompletesTheDuration() {
        feed(at(0, IN));
        for (int m = 1; m <= 10; m++) {
            assertThat(feed(at(m, OUT)).events()).as("minute %d", m).isEmpty();
        }
        EngineResult completing = feed(at(11, OUT));
        assertThat(types(completing)).containsExactly(AlertEventType.OPENED);
        Alert opened = completing.events().get(0).alert();
        assertThat(opened.id().anchor()).isEqualTo(key(minute(1)).toString());
        assertThat(opened.firstTime()).isEqualTo(minute(1));
        assertThat(opened.lastTime()).isEqualTo(minute(11));
        assertThat(opened.state()).isEqualTo(AlertState.OPEN);

        assertThat(types(feed(at(12, OUT + 50)))).containsExactly(AlertEventType.UPDATED);
        EngineResult back = feed(at(13, IN));

        assertThat(types(back)).containsExactly(AlertEventType.RESOLVED);
        Alert resolved = back.events().get(0).alert();
        assertThat(resolved.id()).isEqualTo(opened.id());
        assertThat(resolved.resolution().orElseThrow().reason()).isEqualTo(ResolutionReason.BACK_IN_RANGE);
        assertThat(resolved.resolution().orElseThrow().timeMillis()).isEqualTo(minute(13));
        assertThat(resolved.lastTime()).isEqualTo(minute(12));
        assertThat(resolved.peak().getAsLong()).isEqualTo(OUT + 50);
        assertThat(resolved.evidenceCount()).isEqualTo(12);
        assertThat(of(AlertEventType.OPENED)).hasSize(1);
    }

    @Test
    void oscillationAroundTheThresholdWithinTheHysteresisStaysOneAlert() {
        for (int m = 0; m <= 30; m++) {
            feed(at(m, m % 2 == 0 ? HI + 10 : BAND));
        }
        feed(at(31, IN));

        assertThat(of(AlertEventType.OPENED)).hasSize(1);
        assertThat(of(AlertEventType.RESOLVED)).hasSize(1);
        Alert alert = of(AlertEventType.RESOLVED).get(0).alert();
        assertThat(alert.firstTime()).isEqualTo(minute(0));
        assertThat(alert.lastTime()).isEqualTo(minute(30));
        assertThat(alert.evidenceCount()).isEqualTo(16);
        // the contract's view: every out-of-range reading is a run of its own, none lasts a minute
        assertThat(alert.contractRunCount()).isEqualTo(16);
        assertThat(alert.longestContractRun().orElseThrow().durationMillis()).isZero();
    }

    @Test
    void lateReadingsThatCompleteTheDurationOpenIt() {
        for (int m = 0; m <= 6; m++) {
            feed(at(m, OUT));
        }
        feed(at(10, OUT), at(11, IN));
        assertThat(all).as("two pieces, 6 min and 0 min, with a 4 min gap between").isEmpty();

        EngineResult late = feed(at(8, OUT), at(7, OUT), at(9, OUT));

        assertThat(types(late)).containsExactly(AlertEventType.OPENED, AlertEventType.RESOLVED);
        Alert alert = late.events().get(1).alert();
        assertThat(alert.firstTime()).isEqualTo(minute(0));
        assertThat(alert.lastTime()).isEqualTo(minute(10));
        assertThat(alert.evidence()).hasSize(11).isSorted();
        assertThat(alert.contractRuns()).singleElement().satisfies(run -> {
            assertThat(run.count()).isEqualTo(11);
            assertThat(run.durationMillis()).isEqualTo(10 * Fixtures.MINUTE);
        });
    }

    @Test
    void aLateInRangeReadingInTheMiddleSplitsTheAlert() {
        for (int m = 0; m <= 30; m++) {
            feed(at(m, OUT));
        }
        Alert before = engine.alerts(DEVICE).get(0);
        assertThat(before.lastTime()).isEqualTo(minute(30));

        EngineResult split = feed(at(15.5, IN));

        assertThat(types(split)).containsExactly(AlertEventType.RESOLVED, AlertEventType.OPENED);
        Alert second = split.events().get(1).alert();
        assertThat(second.firstTime()).isEqualTo(minute(16));
        assertThat(second.lastTime()).isEqualTo(minute(30));
        Alert first = split.events().get(0).alert();
        assertThat(first.id()).isEqualTo(before.id());
        assertThat(first.lastTime()).isEqualTo(minute(15));
        assertThat(first.resolution().orElseThrow().reason()).isEqualTo(ResolutionReason.BACK_IN_RANGE);
        assertThat(engine.alerts(DEVICE)).extracting(Alert::id).containsExactly(first.id(), second.id());
    }

    @Test
    void aLateInRangeReadingThatLeavesTooShortAPartWithdrawsIt() {
        for (int m = 0; m <= 30; m++) {
            feed(at(m, OUT));
        }
        Alert before = engine.alerts(DEVICE).get(0);

        EngineResult split = feed(at(5.5, IN));

        assertThat(types(split)).containsExactly(AlertEventType.OPENED, AlertEventType.RESOLVED);
        Alert withdrawn = split.events().get(1).alert();
        assertThat(withdrawn.id()).isEqualTo(before.id());
        assertThat(withdrawn.retracted()).isTrue();
        assertThat(withdrawn.resolution().orElseThrow().reason()).isEqualTo(ResolutionReason.WITHDRAWN);
        assertThat(engine.alerts(DEVICE)).singleElement().satisfies(a -> assertThat(a.firstTime()).isEqualTo(minute(6)));
    }

    @Test
    void aGapLongerThanMaxGapBreaksTheExcursion() {
        for (int m = 0; m <= 12; m++) {
            feed(at(m, OUT));
        }
        assertThat(of(AlertEventType.OPENED)).hasSize(1);

        EngineResult afterGap = feed(at(16, OUT));

        assertThat(types(afterGap)).containsExactly(AlertEventType.RESOLVED);
        Alert ended = afterGap.events().get(0).alert();
        assertThat(ended.resolution().orElseThrow().reason()).isEqualTo(ResolutionReason.GAP_IN_READINGS);
        assertThat(ended.lastTime()).isEqualTo(minute(12));
        for (int m = 17; m <= 25; m++) {
            feed(at(m, OUT));
        }
        assertThat(of(AlertEventType.OPENED)).as("16..25 is 9 minutes: not yet").hasSize(1);
        feed(at(26, OUT));
        assertThat(of(AlertEventType.OPENED)).hasSize(2);
        assertThat(of(AlertEventType.OPENED).get(1).alert().firstTime()).isEqualTo(minute(16));
    }

    @Test
    void aGapOfExactlyMaxGapKeepsTheExcursionContinuous() {
        feed(at(0, OUT), at(3, OUT), at(6, OUT), at(9, OUT));
        feed(at(12, OUT));

        assertThat(of(AlertEventType.OPENED)).hasSize(1);
        assertThat(of(AlertEventType.OPENED).get(0).alert().contractRuns()).singleElement()
                .satisfies(r -> assertThat(r.count()).isEqualTo(5));
    }

    @Test
    void aLateReadingThatFillsTheGapReopensTheAlert() {
        for (int m = 0; m <= 12; m++) {
            feed(at(m, OUT));
        }
        feed(at(16, OUT));
        assertThat(engine.alerts(DEVICE)).singleElement().satisfies(a -> assertThat(a.state()).isEqualTo(AlertState.RESOLVED));

        EngineResult filled = feed(at(14, OUT));

        assertThat(types(filled)).containsExactly(AlertEventType.REOPENED);
        assertThat(filled.events().get(0).alert().lastTime()).isEqualTo(minute(16));
        assertThat(filled.events().get(0).alert().state()).isEqualTo(AlertState.OPEN);
    }

    @Test
    void aLateOutOfRangeReadingBeforeTheFirstSupersedesTheAlert() {
        for (int m = 1; m <= 12; m++) {
            feed(at(m, OUT));
        }
        Alert before = engine.alerts(DEVICE).get(0);

        EngineResult earlier = feed(at(0, OUT));

        assertThat(types(earlier)).containsExactly(AlertEventType.OPENED, AlertEventType.RESOLVED);
        Alert replacement = earlier.events().get(0).alert();
        Alert superseded = earlier.events().get(1).alert();
        assertThat(replacement.firstTime()).isEqualTo(minute(0));
        assertThat(superseded.id()).isEqualTo(before.id());
        assertThat(superseded.resolution().orElseThrow().supersededBy()).contains(replacement.id());
        assertThat(engine.alerts(DEVICE)).containsExactly(replacement);
    }

    @Test
    void contractRunsAreBrokenByInRangeReadingsThatTheHysteresisIgnores() {
        for (int m = 0; m <= 5; m++) {
            feed(at(m, OUT));
        }
        feed(at(6, BAND));
        for (int m = 7; m <= 12; m++) {
            feed(at(m, OUT));
        }

        Alert alert = engine.alerts(DEVICE).get(0);
        assertThat(alert.durationMillis()).isEqualTo(12 * Fixtures.MINUTE);
        assertThat(alert.contractRuns()).extracting(ContractRun::count).containsExactly(6, 6);
        assertThat(alert.longestContractRun().orElseThrow().durationMillis()).isEqualTo(5 * Fixtures.MINUTE);
    }

    @Test
    void readingsFurtherBehindThanTheLatenessAreRefusedCountedAndChangeNothing() {
        RuleEngine small = new RuleEngine(new EngineSettings(Duration.ofMinutes(30), 1000, 100));
        small.setRules(DEVICE, List.of(coldRoom()));
        small.onReadings(DEVICE, List.of(at(100, IN)));

        EngineResult late = small.onReadings(DEVICE, List.of(at(60, OUT), at(80, OUT)));

        assertThat(late.events()).isEmpty();
        assertThat(late.refusals()).extracting(InputRefusal::reason).containsExactly(InputRefusal.Reason.TOO_LATE);
        assertThat(small.refusalCounts()).containsEntry(InputRefusal.Reason.TOO_LATE, 1L);
    }

    @Test
    void aRedeliveredReadingIsIgnoredAndAConflictingOneRefused() {
        feed(at(0, OUT));
        for (int m = 1; m <= 10; m++) {
            feed(at(m, OUT));
        }

        EngineResult again = feed(at(5, OUT));
        EngineResult conflicting = feed(at(5, IN));
        EngineResult sameTimeOtherKey = feed(new ReadingPoint(at(5, OUT).quantity(), minute(5), OUT, new ReadingKey(2, 1, 0)));

        assertThat(again.events()).isEmpty();
        assertThat(again.refusals()).isEmpty();
        assertThat(conflicting.refusals()).extracting(InputRefusal::reason).containsExactly(InputRefusal.Reason.CONFLICTING_POINT);
        assertThat(sameTimeOtherKey.refusals()).extracting(InputRefusal::reason)
                .containsExactly(InputRefusal.Reason.DUPLICATE_READING_TIME);
        assertThat(of(AlertEventType.OPENED)).hasSize(1);
        assertThat(engine.alerts(DEVICE).get(0).state()).isEqualTo(AlertState.OPEN);
    }
}
