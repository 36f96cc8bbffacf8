package io.sensorproof.gateway.core.rules;

import static io.sensorproof.gateway.core.rules.Fixtures.BAND;
import static io.sensorproof.gateway.core.rules.Fixtures.HI;
import static io.sensorproof.gateway.core.rules.Fixtures.IN;
import static io.sensorproof.gateway.core.rules.Fixtures.LO;
import static io.sensorproof.gateway.core.rules.Fixtures.OUT;

import io.sensorproof.protocol.senml.Quantity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Generated reading series for the property tests: values around the thresholds, gaps around maxGap. */
final class Series {
    /** Threshold (3 min), stuck (3 readings over 2 min) and rate (300 per minute) on temperature. */
    static final List<Rule> STREAM_RULES = List.of(
            new ThresholdRule("cold-room", Quantity.TEMPERATURE, LO, HI, Duration.ofMinutes(3), 50, Duration.ofMinutes(3)),
            new StuckRule("stuck", Quantity.TEMPERATURE, 3, Duration.ofMinutes(2)),
            new RateOfChangeRule("rate", Quantity.TEMPERATURE, 300, Duration.ofMinutes(1)));

    /** The stream rules plus a gap rule and a tampering rule. */
    static final List<Rule> ALL_RULES = List.of(STREAM_RULES.get(0), STREAM_RULES.get(1), STREAM_RULES.get(2),
            new GapRule("silence", Optional.empty(), Duration.ofMinutes(6)), new TamperingRule("tamper", 2, Duration.ofMinutes(30)));

    private Series() {
    }

    /** Up to {@code max} readings, one per time, 30 s to 4 min apart (maxGap is 3 min). */
    static Arbitrary<List<ReadingPoint>> readings(int max) {
        Arbitrary<Integer> halfMinutes = Arbitraries.of(1, 2, 2, 2, 3, 4, 8);
        // values come in runs of 1-8 alike (so that excursions, oscillations and stuck values last)
        Arbitrary<List<Long>> runs = Combinators.combine(Arbitraries.of(IN, IN + 1, BAND, HI + 30, OUT, LO - 100),
                Arbitraries.integers().between(1, 8)).as((v, n) -> Collections.nCopies(n, v));
        Arbitrary<List<Long>> values = runs.list().ofSize(max).map(l -> l.stream().flatMap(List::stream).limit(max).toList());
        return Combinators.combine(halfMinutes.list().ofMinSize(1).ofMaxSize(max), values)
                .as((steps, vs) -> {
                    List<ReadingPoint> points = new ArrayList<>();
                    long t = Fixtures.T0;
                    for (int i = 0; i < steps.size(); i++) {
                        t += steps.get(i) * 30_000L;
                        points.add(Fixtures.atMillis(t, vs.get(i)));
                    }
                    return points;
                });
    }
}
