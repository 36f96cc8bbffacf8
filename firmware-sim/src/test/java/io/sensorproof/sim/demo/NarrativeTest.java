package io.sensorproof.sim.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.sim.demo.Narrative.Stage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class NarrativeTest {
    @Test
    void aStepOnTheMinutePrintsItsSecondsAndIsRemembered() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Narrative narrative = new Narrative(new PrintStream(bytes, true, StandardCharsets.UTF_8),
                Clock.fixed(Instant.parse("2026-12-04T01:49:00Z"), ZoneOffset.UTC));
        narrative.say("bank A", Stage.FROZEN, "facility 1 frozen on chain");
        assertThat(bytes.toString(StandardCharsets.UTF_8)).startsWith("01:49:00  bank A").contains("frozen").contains("facility 1 frozen on chain");
        assertThat(narrative.reached("bank A", Stage.FROZEN)).isTrue();
        assertThat(narrative.reached("bank B", Stage.FROZEN)).isFalse();
    }
}
