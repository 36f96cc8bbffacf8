package io.sensorproof.zk.claims;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The committed example witnesses {@code circuits/<name>.example.json} (the sibling test vectors of
 * the circuits; the build proves them into the fixture proofs) are what the Java witness builders
 * produce for {@link ExampleClaims}. Regenerate with {@code -Dzk.examples.write=true}.
 */
class ExampleWitnessTest {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    static String exampleJson(String description, ProofRequest request) throws Exception {
        ObjectNode example = JSON.createObjectNode();
        example.put("description", description);
        example.put("producedBy", "ExampleWitnessTest (zk-circuits Java witness builders over ExampleClaims)");
        example.set("publicInputs", JSON.valueToTree(request.publicInputs().stream().map(Object::toString).toList()));
        example.set("arguments", request.arguments());
        return JSON.writeValueAsString(example) + "\n";
    }

    private static void check(String circuit, String json) throws Exception {
        Path file = Path.of("circuits", circuit + ".example.json");
        if (Boolean.getBoolean("zk.examples.write")) {
            Files.writeString(file, json);
        }
        assertThat(Files.readString(file)).isEqualTo(json);
    }

    @Test
    void excursionExampleIsATwelveMinuteExcursion() throws Exception {
        check("excursion", exampleJson("cold-store-7 outside 2–8 °C [27515, 28115] for 12 readings a minute apart"
                + " (12 °C, dipping to 1.5 °C), maxGap 90 s, 4 empty slots",
                RunClaimWitness.of(ExampleClaims.coldRun(12), ExampleClaims.LO, ExampleClaims.HI,
                        ExampleClaims.RUN_MAX_GAP).request()));
    }

    @Test
    void emissionsExampleIsADayOfRegisterReadings() throws Exception {
        check("emissions", exampleJson("24 hourly co2e-register readings of boiler-2 (grams), one hour missing"
                + " (a 2 h gap over maxGap 90 min, gapTime 7200000), 8 empty slots",
                EmissionsClaimWitness.of(ExampleClaims.registerReadings(24), ExampleClaims.REGISTER_MAX_GAP).request()));
    }
}
