package io.sensorproof.gateway.core.rules;

import static io.sensorproof.gateway.core.rules.Fixtures.DEVICE;
import static io.sensorproof.gateway.core.rules.Fixtures.IN;
import static io.sensorproof.gateway.core.rules.Fixtures.at;
import static io.sensorproof.gateway.core.rules.Fixtures.engine;
import static io.sensorproof.gateway.core.rules.Fixtures.key;
import static io.sensorproof.gateway.core.rules.Fixtures.minute;
import static io.sensorproof.gateway.core.rules.Fixtures.types;
import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.protocol.senml.Quantity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GapRuleTest {
    private static final GapRule SILENCE = new GapRule("silence", Optional.empty(), Duration.ofMinutes(15));

    private static Instant now(double minute) {
        return Instant.ofEpochMilli(minute(minute));
    }

    @Test
    void aSilentDeviceOpensOneGapAlertAndResolvesWhenReadingsResume() {
        RuleEngine engine = engine(SILENCE);
        engine.onReadings(DEVICE, List.of(at(0, IN), at(1, IN)));
        assertThat(engine.onTick(now(16)).events()).as("15 minutes of silence is allowed").isEmpty();

        EngineResult opened = engine.onTick(now(16.5));
        EngineResult again = engine.onTick(now(40));

        assertThat(types(opened)).containsExactly(AlertEventType.OPENED);
        Alert gap = opened.events().get(0).alert();
        assertThat(gap.kind()).isEqualTo(AlertKind.GAP);
        assertThat(gap.id().anchor()).isEqualTo(key(minute(1)).toString());
        assertThat(gap.firstTime()).isEqualTo(minute(1));
        assertThat(again.events()).isEmpty();

        EngineResult resumed = engine.onReadings(DEVICE, List.of(at(41, IN), at(42, IN)));

        assertThat(types(resumed)).containsExactly(AlertEventType.RESOLVED);
        Alert resolved = resumed.events().get(0).alert();
        assertThat(resolved.id()).isEqualTo(gap.id());
        assertThat(resolved.resolution().orElseThrow().reason()).isEqualTo(ResolutionReason.READINGS_RESUMED);
        assertThat(resolved.resolution().orElseThrow().key()).contains(key(minute(41)));
        assertThat(engine.onTick(now(50)).events()).isEmpty();
    }

    @Test
    void aLateReadingOlderThanTheSilenceDoesNotResolveIt() {
        RuleEngine engine = engine(SILENCE);
        engine.onReadings(DEVICE, List.of(at(10, IN)));
        engine.onTick(now(30));

        assertThat(engine.onReadings(DEVICE, List.of(at(5, IN))).events()).isEmpty();
        assertThat(engine.alerts(DEVICE)).singleElement().satisfies(a -> assertThat(a.state()).isEqualTo(AlertState.OPEN));
    }

    @Test
    void aBacklogReadingFromWithinTheSilenceResolvesIt() {
        RuleEngine engine = engine(SILENCE);
        engine.onReadings(DEVICE, List.of(at(10, IN)));
        engine.onTick(now(30));

        EngineResult backlog = engine.onReadings(DEVICE, List.of(at(20, IN)));

        assertThat(types(backlog)).containsExactly(AlertEventType.RESOLVED);
        assertThat(backlog.events().get(0).alert().lastTime()).isEqualTo(minute(20));
    }

    @Test
    void aDeviceNeverHeardFromIsSilentFromTheFirstTickThatWatchesIt() {
        RuleEngine engine = engine(SILENCE);
        assertThat(engine.onTick(now(0)).events()).isEmpty();

        EngineResult opened = engine.onTick(now(15.5));

        assertThat(types(opened)).containsExactly(AlertEventType.OPENED);
        assertThat(opened.events().get(0).alert().id().anchor()).isEqualTo("t" + minute(0));
    }

    @Test
    void aGapRuleOfOneQuantityIgnoresReadingsOfOthers() {
        RuleEngine engine = engine(new GapRule("hum", Optional.of(Quantity.HUMIDITY), Duration.ofMinutes(15)));
        engine.onReadings(DEVICE, List.of(new ReadingPoint(Quantity.HUMIDITY, minute(0), 5000, key(minute(0)))));
        engine.onReadings(DEVICE, List.of(at(10, IN)));

        assertThat(types(engine.onTick(now(16)))).containsExactly(AlertEventType.OPENED);
    }
}
