package io.sensorproof.gateway.core.rules;

import static io.sensorproof.gateway.core.rules.Fixtures.DEVICE;
import static io.sensorproof.gateway.core.rules.Fixtures.IN;
import static io.sensorproof.gateway.core.rules.Fixtures.at;
import static io.sensorproof.gateway.core.rules.Fixtures.engine;
import static io.sensorproof.gateway.core.rules.Fixtures.minute;
import static io.sensorproof.gateway.core.rules.Fixtures.types;
import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.protocol.senml.Quantity;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class StuckAndRateRuleTest {
    private static final StuckRule STUCK = new StuckRule("stuck", Quantity.TEMPERATURE, 5, Duration.ofMinutes(3));
    private static final RateOfChangeRule RATE = new RateOfChangeRule("rate", Quantity.TEMPERATURE, 300, Duration.ofMinutes(1));

    @Test
    void aSensorRepeatingTheSameValueOpensAStuckAlertUntilTheValueChanges() {
        RuleEngine engine = engine(STUCK);
        engine.onReadings(DEVICE, List.of(at(0, IN + 1), at(1, IN), at(2, IN), at(3, IN), at(4, IN)));
        assertThat(engine.alerts(DEVICE)).as("4 identical readings").isEmpty();

        EngineResult fifth = engine.onReadings(DEVICE, List.of(at(5, IN)));
        EngineResult changed = engine.onReadings(DEVICE, List.of(at(6, IN + 1)));

        assertThat(types(fifth)).containsExactly(AlertEventType.OPENED);
        Alert stuck = fifth.events().get(0).alert();
        assertThat(stuck.firstTime()).isEqualTo(minute(1));
        assertThat(stuck.evidenceCount()).isEqualTo(5);
        assertThat(stuck.peak().getAsLong()).isEqualTo(IN);
        assertThat(types(changed)).containsExactly(AlertEventType.RESOLVED);
        assertThat(changed.events().get(0).alert().resolution().orElseThrow().reason()).isEqualTo(ResolutionReason.VALUE_CHANGED);
    }

    @Test
    void identicalReadingsWithinTooShortATimeAreNotStuck() {
        RuleEngine engine = engine(STUCK);
        for (int s = 0; s < 10; s++) {
            engine.onReadings(DEVICE, List.of(Fixtures.atMillis(minute(0) + s * 10_000L, IN)));
        }
        assertThat(engine.alerts(DEVICE)).as("10 readings within 90 s, minimum 3 min").isEmpty();
    }

    @Test
    void aChangeFasterThanTheLimitOpensARateAlertAndTheNextNormalPairResolvesIt() {
        RuleEngine engine = engine(RATE);
        engine.onReadings(DEVICE, List.of(at(0, IN), at(1, IN + 300)));
        assertThat(engine.alerts(DEVICE)).as("exactly the limit").isEmpty();

        EngineResult jump = engine.onReadings(DEVICE, List.of(at(2, IN + 601)));
        EngineResult further = engine.onReadings(DEVICE, List.of(at(2.5, IN + 1000)));
        EngineResult calm = engine.onReadings(DEVICE, List.of(at(3.5, IN + 1100)));

        assertThat(types(jump)).containsExactly(AlertEventType.OPENED);
        Alert opened = jump.events().get(0).alert();
        assertThat(opened.firstTime()).isEqualTo(minute(1));
        assertThat(opened.peak().getAsLong()).isEqualTo(301);
        assertThat(types(further)).containsExactly(AlertEventType.UPDATED);
        assertThat(further.events().get(0).alert().peak().getAsLong()).isEqualTo(798);
        assertThat(types(calm)).containsExactly(AlertEventType.RESOLVED);
        assertThat(calm.events().get(0).alert().evidenceCount()).isEqualTo(3);
    }

    @Test
    void theRateIsTakenBetweenNeighboursInTimeOrderNotArrivalOrder() {
        RuleEngine engine = engine(RATE);
        engine.onReadings(DEVICE, List.of(at(0, IN), at(10, IN + 1000)));
        assertThat(engine.alerts(DEVICE)).as("100 per minute").isEmpty();

        EngineResult late = engine.onReadings(DEVICE, List.of(at(9, IN)));

        assertThat(types(late)).containsExactly(AlertEventType.OPENED);
        assertThat(late.events().get(0).alert().firstTime()).isEqualTo(minute(9));
    }
}
