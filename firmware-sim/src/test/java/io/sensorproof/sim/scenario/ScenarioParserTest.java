package io.sensorproof.sim.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.sim.SimError;
import io.sensorproof.sim.SimException;
import io.sensorproof.sim.model.ColdRoomModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScenarioParserTest {

    static String resource(String name) throws IOException {
        try (InputStream in = ScenarioParserTest.class.getResourceAsStream("/scenarios/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"compressor-failure.json", "attacks.json", "partition-and-power-loss.json", "sensor-faults.json", "factory-week.json"})
    void shippedScenariosParse(String name) throws IOException {
        Scenario s = ScenarioParser.parse(resource(name));
        assertThat(s.devices()).isNotEmpty();
        assertThat(s.ticks()).isPositive();
    }

    @Test
    void readsDevicesFaultsAndDefaults() throws IOException {
        Scenario s = ScenarioParser.parse(resource("sensor-faults.json"));
        assertThat(s.devices()).extracting(DeviceSpec::id).containsExactly("cold-room-1", "stack-1");
        assertThat(s.ticks()).isEqualTo(720);
        assertThat(s.agent()).isEqualTo(AgentSettings.DEFAULT);
        Fault skew = s.faults().stream().filter(f -> f.type() == FaultType.CLOCK_SKEW).findFirst().orElseThrow();
        assertThat(skew.offset()).isEqualTo(Duration.ofSeconds(450));
        assertThat(skew.at()).isEqualTo(Duration.ofHours(8));
        Fault spike = s.faults().stream().filter(f -> f.type() == FaultType.SPIKE).findFirst().orElseThrow();
        assertThat(spike.delta()).isEqualTo(12.5);
        assertThat(spike.quantity()).isEmpty();
        assertThat(spike.endMillis(s) - spike.startMillis(s)).as("a spike without duration lasts one tick").isEqualTo(60_000);
        assertThat(s.device("stack-1").model()).isInstanceOf(ModelSpec.FactoryStack.class);
        assertThat(s.device("stack-1").model().create(1).primaryQuantity()).isEqualTo(Quantity.CO2E_REGISTER);
    }

    @Test
    void devicesSeedsDependOnlyOnScenarioSeedAndIndex() {
        DeviceSpec a = new DeviceSpec("a-1", 0, new ModelSpec.ColdRoom(ColdRoomModel.Parameters.DEFAULT));
        assertThat(a.seed(1)).isEqualTo(a.seed(1)).isNotEqualTo(a.seed(2));
        assertThat(new DeviceSpec("b-9", 1, a.model()).seed(1)).isNotEqualTo(a.seed(1));
    }

    private static void assertInvalid(String json, String pathAndText) {
        assertThatThrownBy(() -> ScenarioParser.parse(json)).isInstanceOfSatisfying(SimException.class, e -> {
            assertThat(e.code()).isEqualTo(SimError.SCENARIO_INVALID);
            assertThat(e.getMessage()).contains(pathAndText);
        });
    }

    @Test
    void refusesWhatTheFormatDoesNotAllowWithTheJsonPath() {
        String devices = "\"devices\": [{\"model\": \"cold-room\"}]";
        assertInvalid("{" + devices + ", \"duration\": \"PT1H\", \"colour\": 1}", "$.colour: unknown field");
        assertInvalid("{" + devices + "}", "$.duration: required");
        assertInvalid("{" + devices + ", \"duration\": \"1 hour\"}", "$.duration: '1 hour' is not an ISO-8601 duration");
        assertInvalid("{" + devices + ", \"duration\": \"PT90S\"}", "whole number of ticks");
        assertInvalid("{\"devices\": [{\"model\": \"freezer\"}], \"duration\": \"PT1H\"}", "$.devices[0].model: unknown model 'freezer'");
        assertInvalid("{" + devices + ", \"duration\": \"PT1H\", \"faults\": [{\"type\": \"meltdown\", \"at\": \"PT1M\"}]}",
                "$.faults[0].type: unknown fault type 'meltdown'");
        assertInvalid("{" + devices + ", \"duration\": \"PT1H\", \"faults\": [{\"type\": \"stuck\", \"device\": \"nobody-1\", \"at\": \"PT1M\"}]}",
                "$.faults[0].device: no device 'nobody-1'");
        assertInvalid("{" + devices + ", \"duration\": \"PT1H\", \"faults\": [{\"type\": \"network-partition\", \"at\": \"PT1M\"}]}",
                "needs a duration");
        assertInvalid("{" + devices + ", \"duration\": \"PT1H\", \"faults\": [{\"type\": \"rekey\", \"at\": \"PT1M\"}]}",
                "rekey needs a duration");
        assertInvalid("{" + devices + ", \"duration\": \"PT1H\", \"faults\": [{\"type\": \"clock-step\", \"at\": \"PT1M\"}]}",
                "needs an offset");
        assertInvalid("{" + devices + ", \"duration\": \"PT1H\", \"faults\": [{\"type\": \"stuck\", \"at\": \"PT2H\"}]}",
                "within the scenario's duration");
        assertInvalid("{" + devices + ", \"duration\": \"PT1H\", \"faults\": [{\"type\": \"tampered\", \"at\": \"PT2M\"}]}",
                "names one device");
        assertInvalid("{\"devices\": [{\"model\": \"cold-room\", \"prefix\": \"Cold Room\"}], \"duration\": \"PT1H\"}", "is not 1-31 of");
        assertInvalid("{" + devices + ", \"duration\": \"PT1H\", \"seed\": 1, \"seed\": 2}", "not valid JSON");
        assertInvalid("[]", "$: a scenario is a JSON object");
        for (String bad : new String[] {"-1", "1.5", "1e16"}) {
            assertInvalid("{\"devices\": [{\"model\": \"factory-stack\", \"registerAtStart\": " + bad + "}], \"duration\": \"PT1H\"}",
                    "$.devices[0].registerAtStart: must be whole grams");
        }
    }

    @Test
    void aStacksRegisterStartsWhereTheScenarioSays() throws IOException {
        Scenario week = ScenarioParser.parse(resource("factory-week.json"));
        ModelSpec.FactoryStack stack = (ModelSpec.FactoryStack) week.device("stack-1").model();
        assertThat(stack.parameters().registerAtStartGrams()).isEqualTo(262_800_000_000L);
        Scenario defaults = ScenarioParser.parse("{\"devices\": [{\"model\": \"factory-stack\"}], \"duration\": \"PT1H\"}");
        assertThat(((ModelSpec.FactoryStack) defaults.devices().get(0).model()).parameters().registerAtStartGrams()).isZero();
    }
}
