package io.sensorproof.gateway.core.rules;

import static io.sensorproof.gateway.core.rules.Fixtures.DEVICE;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

class ArrivalOrderPropertyTest {
    @Provide
    Arbitrary<List<ReadingPoint>> series() {
        return Series.readings(60);
    }

    private static RuleEngine engine(EngineSettings settings) {
        RuleEngine e = new RuleEngine(settings);
        e.setRules(DEVICE, Series.STREAM_RULES);
        return e;
    }

    @Property(tries = 400)
    void anyArrivalOrderAndBatchingGivesTheSameFinalAlerts(@ForAll("series") List<ReadingPoint> points, @ForAll long seed) {
        RuleEngine inOrder = engine(EngineSettings.DEFAULTS);
        for (ReadingPoint p : points) {
            inOrder.onReadings(DEVICE, List.of(p));
        }
        Random random = new Random(seed);
        List<ReadingPoint> shuffled = new ArrayList<>(points);
        Collections.shuffle(shuffled, random);
        RuleEngine anyOrder = engine(EngineSettings.DEFAULTS);
        List<AlertEvent> events = new ArrayList<>();
        int i = 0;
        while (i < shuffled.size()) {
            int n = 1 + random.nextInt(5);
            EngineResult r = anyOrder.onReadings(DEVICE, shuffled.subList(i, Math.min(shuffled.size(), i + n)));
            assertThat(r.refusals()).isEmpty();
            events.addAll(r.events());
            i += n;
        }

        assertThat(anyOrder.alerts(DEVICE)).isEqualTo(inOrder.alerts(DEVICE));
        Statistics.label("threshold alerts").collect(inOrder.alerts(DEVICE).stream()
                .filter(a -> a.kind() == AlertKind.THRESHOLD).count() > 0);
        Statistics.label("retractions or reopenings on the way").collect(events.stream()
                .anyMatch(e -> e.type() == AlertEventType.REOPENED || e.alert().retracted()));
    }

    @Property(tries = 300)
    void foldingEvictedReadingsGivesTheSameEventsAsKeepingThemAll(@ForAll("series") List<ReadingPoint> points) {
        RuleEngine bounded = engine(new EngineSettings(Duration.ofMinutes(2), 4, 1000));
        RuleEngine unbounded = engine(new EngineSettings(Duration.ofDays(1000), 100_000, 1000));
        List<AlertEvent> boundedEvents = new ArrayList<>();
        List<AlertEvent> unboundedEvents = new ArrayList<>();

        for (ReadingPoint p : points) {
            boundedEvents.addAll(bounded.onReadings(DEVICE, List.of(p)).events());
            unboundedEvents.addAll(unbounded.onReadings(DEVICE, List.of(p)).events());
        }

        assertThat(boundedEvents).isEqualTo(unboundedEvents);
    }
}
