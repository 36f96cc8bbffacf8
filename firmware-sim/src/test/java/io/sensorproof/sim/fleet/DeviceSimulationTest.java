package io.sensorproof.sim.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import io.sensorproof.sim.scenario.Scenario;
import io.sensorproof.sim.scenario.ScenarioParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class DeviceSimulationTest {
    private static final String FAULTS = """
            {"name": "t", "seed": 5, "start": "2026-01-05T00:00:00Z", "duration": "PT6H", "tick": "PT1M",
             "devices": [{"prefix": "room", "model": "cold-room"}],
             "faults": [%s]}""";

    private static Scenario scenario(String faults) {
        return ScenarioParser.parse(FAULTS.formatted(faults));
    }

    /** Temperature readings by tick (absent ticks: none reported). */
    private static Map<Long, Reading> temperatures(Scenario s) {
        DeviceSimulation sim = new DeviceSimulation(s, s.devices().get(0));
        Map<Long, Reading> byTick = new TreeMap<>();
        for (long k = 1; k <= s.ticks(); k++) {
            for (Reading r : sim.tick(k)) {
                if (r.quantity() == Quantity.TEMPERATURE) {
                    byTick.put(k, r);
                }
            }
        }
        return byTick;
    }

    @Test
    void stuckSensorRepeatsItsFirstValueOfTheWindow() {
        Map<Long, Reading> clean = temperatures(scenario(""));
        Map<Long, Reading> stuck = temperatures(scenario("{\"type\": \"stuck\", \"device\": \"room-1\", \"at\": \"PT1H\", \"duration\": \"PT30M\"}"));
        for (long k = 60; k < 90; k++) {
            assertThat(stuck.get(k).value()).isEqualTo(clean.get(60L).value());
        }
        assertThat(stuck.get(90L)).isEqualTo(clean.get(90L));
        assertThat(stuck.get(59L)).isEqualTo(clean.get(59L));
    }

    @Test
    void spikeDriftAndDropoutChangeOnlyTheirWindow() {
        Map<Long, Reading> clean = temperatures(scenario(""));
        Map<Long, Reading> faulty = temperatures(scenario("""
                {"type": "spike", "at": "PT1H", "delta": 12.5},
                {"type": "drift", "at": "PT2H", "duration": "PT1H", "delta": 0.6},
                {"type": "dropout", "at": "PT4H", "duration": "PT10M"}"""));
        assertThat(faulty.get(60L).value()).isCloseTo(clean.get(60L).value() + 12.5, offset(1e-9));
        assertThat(faulty.get(61L)).isEqualTo(clean.get(61L));
        assertThat(faulty.get(150L).value()).isCloseTo(clean.get(150L).value() + 0.3, offset(1e-9));
        assertThat(faulty.get(180L)).isEqualTo(clean.get(180L));
        for (long k = 240; k < 250; k++) {
            assertThat(faulty).doesNotContainKey(k);
        }
        assertThat(faulty.get(250L)).isEqualTo(clean.get(250L));
    }

    @Test
    void clockSkewAndStepMoveReadingTimesNotValues() {
        Scenario s = scenario("""
                {"type": "clock-skew", "at": "PT1H", "duration": "PT10M", "offset": "PT7M30S"},
                {"type": "clock-step", "at": "PT3H", "offset": "-PT30M"}""");
        Map<Long, Reading> clean = temperatures(scenario(""));
        Map<Long, Reading> skewed = temperatures(s);
        assertThat(skewed.get(65L).timeMillis()).isEqualTo(s.tickMillis(65) + 450_000);
        assertThat(skewed.get(65L).value()).isEqualTo(clean.get(65L).value());
        assertThat(skewed.get(70L).timeMillis()).isEqualTo(s.tickMillis(70));
        assertThat(skewed.get(179L).timeMillis()).isEqualTo(s.tickMillis(179));
        assertThat(skewed.get(180L).timeMillis()).isEqualTo(s.tickMillis(180) - 1_800_000);
        assertThat(skewed.get(300L).timeMillis()).isEqualTo(s.tickMillis(300) - 1_800_000);
    }

    @Test
    void aDeviceThatSkippedTicksReadsWhatAnUninterruptedOneReads() {
        Scenario s = scenario("{\"type\": \"compressor-failure\", \"at\": \"PT2H\"}");
        DeviceSimulation continuous = new DeviceSimulation(s, s.devices().get(0));
        List<Reading> late = new ArrayList<>();
        for (long k = 1; k <= s.ticks(); k++) {
            List<Reading> r = continuous.tick(k);
            if (k >= 200) {
                late.addAll(r);
            }
        }
        DeviceSimulation resumed = new DeviceSimulation(s, s.devices().get(0));
        resumed.skipTo(200);
        List<Reading> after = new ArrayList<>();
        for (long k = 200; k <= s.ticks(); k++) {
            after.addAll(resumed.tick(k));
        }
        assertThat(after).isEqualTo(late);
    }

    @Test
    void aRegisterSpikeAboveTheNextIncrementIsFollowedByAReadingTheAgentRefuses() {
        String stack = """
                {"name": "t", "seed": 42, "start": "2026-01-09T00:00:00Z", "duration": "PT6H", "tick": "PT1M",
                 "devices": [{"prefix": "stack", "model": "factory-stack", "kgPerHour": 1200, "interval": "PT15M"}],
                 "faults": [%s]}""";
        Scenario clean = ScenarioParser.parse(stack.formatted(""));
        Scenario spiked = ScenarioParser.parse(stack.formatted("{\"type\": \"spike\", \"at\": \"PT4H\", \"delta\": 200000}"));
        Map<Long, Reading> c = registers(clean);
        Map<Long, Reading> f = registers(spiked);
        assertThat(f.get(240L).fixedValue()).isEqualTo(c.get(240L).fixedValue() + 200_000);
        assertThat(f.get(255L)).isEqualTo(c.get(255L));
        assertThat(f.get(255L).fixedValue()).as("a night's 15 minutes are about 105 kg").isLessThan(f.get(240L).fixedValue());
        assertThat(f.get(270L).fixedValue()).isGreaterThan(f.get(240L).fixedValue());

        List<ReadingKey> expected = new Verification(spiked, null, true).expectedReadings(spiked.devices().get(0));
        assertThat(expected).contains(ReadingKey.of(f.get(240L)), ReadingKey.of(f.get(270L)))
                .as("below the register: the agent refuses it (REGISTER_DECREASED)").doesNotContain(ReadingKey.of(f.get(255L)));
        assertThat(expected).hasSize(f.size() - 1);
    }

    private static Map<Long, Reading> registers(Scenario s) {
        DeviceSimulation sim = new DeviceSimulation(s, s.devices().get(0));
        Map<Long, Reading> byTick = new TreeMap<>();
        for (long k = 1; k <= s.ticks(); k++) {
            for (Reading r : sim.tick(k)) {
                assertThat(r.quantity()).isEqualTo(Quantity.CO2E_REGISTER);
                byTick.put(k, r);
            }
        }
        return byTick;
    }
}
