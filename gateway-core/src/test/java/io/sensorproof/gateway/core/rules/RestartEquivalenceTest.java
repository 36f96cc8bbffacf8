package io.sensorproof.gateway.core.rules;

import static io.sensorproof.gateway.core.rules.Fixtures.DEVICE;
import static io.sensorproof.gateway.core.rules.Fixtures.OUT;
import static io.sensorproof.gateway.core.rules.Fixtures.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.gateway.core.rules.RuleException.Code;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class RestartEquivalenceTest {
    private static final EngineSettings SMALL = new EngineSettings(Duration.ofMinutes(5), 8, 1000);

    @Provide
    Arbitrary<List<ReadingPoint>> series() {
        return Series.readings(50);
    }

    @Provide
    Arbitrary<List<Integer>> tamperMinutes() {
        return Arbitraries.integers().between(0, 60).list().ofMaxSize(6);
    }

    /** One step of a run: readings, evidence and a tick, like a gateway's evaluation loop. */
    private static List<AlertEvent> step(RuleEngine engine, ReadingPoint p, List<Integer> tamperMinutes, int i) {
        List<AlertEvent> events = new ArrayList<>(engine.onReadings(DEVICE, List.of(p)).events());
        if (tamperMinutes.contains(i)) {
            events.addAll(engine.onTamperEvidence(List.of(new TamperEvidence(DEVICE, TamperKind.CONFLICTING_DUPLICATE,
                    p.timeMillis(), "1/" + i))).events());
        }
        events.addAll(engine.onTick(Instant.ofEpochMilli(p.timeMillis() + (i % 3) * 240_000L)).events());
        return events;
    }

    @Property(tries = 300)
    void aRestoredEngineEmitsTheSameFurtherEventsAsOneThatNeverStopped(@ForAll("series") List<ReadingPoint> points,
            @ForAll("tamperMinutes") List<Integer> tamperMinutes, @ForAll @IntRange(min = 0, max = 50) int stopAt) {
        int stop = Math.min(stopAt, points.size());
        RuleEngine running = new RuleEngine(SMALL);
        running.setRules(DEVICE, Series.ALL_RULES);
        RuleEngine beforeCrash = new RuleEngine(SMALL);
        beforeCrash.setRules(DEVICE, Series.ALL_RULES);
        for (int i = 0; i < stop; i++) {
            step(running, points.get(i), tamperMinutes, i);
            step(beforeCrash, points.get(i), tamperMinutes, i);
        }
        byte[] stored = beforeCrash.snapshot(DEVICE).orElseThrow();
        RuleEngine restarted = new RuleEngine(SMALL);
        assertThat(restarted.restore(stored)).isEqualTo(DEVICE);

        List<AlertEvent> expected = new ArrayList<>();
        List<AlertEvent> actual = new ArrayList<>();
        for (int i = stop; i < points.size(); i++) {
            expected.addAll(step(running, points.get(i), tamperMinutes, i));
            actual.addAll(step(restarted, points.get(i), tamperMinutes, i));
        }

        assertThat(actual).isEqualTo(expected);
        assertThat(restarted.alerts(DEVICE)).isEqualTo(running.alerts(DEVICE));
        assertThat(restarted.snapshot(DEVICE).orElseThrow()).isEqualTo(running.snapshot(DEVICE).orElseThrow());
    }

    @Test
    void anOpenExcursionSurvivesARestartAndResolvesAfterIt() {
        RuleEngine before = Fixtures.engine(Fixtures.coldRoom());
        for (int m = 0; m <= 10; m++) {
            before.onReadings(DEVICE, List.of(at(m, OUT)));
        }
        RuleEngine after = new RuleEngine(EngineSettings.DEFAULTS);
        after.restore(before.snapshot(DEVICE).orElseThrow());

        EngineResult back = after.onReadings(DEVICE, List.of(at(11, Fixtures.IN)));

        assertThat(Fixtures.types(back)).containsExactly(AlertEventType.RESOLVED);
        assertThat(back.events().get(0).alert().id()).isEqualTo(before.alerts(DEVICE).get(0).id());
        assertThat(after.rules(DEVICE)).containsExactly(Fixtures.coldRoom());
    }

    @Test
    void aTruncatedOrForeignSnapshotIsRefusedAndChangesNothing() {
        RuleEngine source = new RuleEngine(SMALL);
        source.setRules(DEVICE, Series.ALL_RULES);
        for (int m = 0; m <= 12; m++) {
            source.onReadings(DEVICE, List.of(at(m, OUT)));
        }
        source.onTamperEvidence(List.of(new TamperEvidence(DEVICE, TamperKind.REVOKED_KEY, Fixtures.minute(3), "kid-1")));
        byte[] stored = source.snapshot(DEVICE).orElseThrow();
        RuleEngine target = new RuleEngine(SMALL);

        for (int cut = 0; cut < stored.length; cut++) {
            byte[] truncated = Arrays.copyOf(stored, cut);
            assertThatThrownBy(() -> target.restore(truncated)).as("cut at %d", cut)
                    .isInstanceOfSatisfying(RuleException.class, e -> assertThat(e.code()).isEqualTo(Code.BAD_SNAPSHOT));
        }
        byte[] otherVersion = stored.clone();
        otherVersion[7] = 9;
        assertThatThrownBy(() -> target.restore(otherVersion)).isInstanceOfSatisfying(RuleException.class,
                e -> assertThat(e.code()).isEqualTo(Code.BAD_SNAPSHOT));
        byte[] longer = Arrays.copyOf(stored, stored.length + 1);
        assertThatThrownBy(() -> target.restore(longer)).isInstanceOfSatisfying(RuleException.class,
                e -> assertThat(e.code()).isEqualTo(Code.BAD_SNAPSHOT));
        assertThat(target.devices()).isEmpty();
    }
}
