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
 * produce for {@link ExampleBatches}. Regenerate with {@code -Dzk.examples.write=true}.
 */
class ExampleWitnessTest {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    static String exampleJson(String description, ProofRequest request) throws Exception {
        ObjectNode example = JSON.createObjectNode();
        example.put("description", description);
        example.put("producedBy", "ExampleWitnessTest (zk-circuits Java witness builders over ExampleBatches)");
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
    void excursionExampleIsTheColdChainRun() throws Exception {
        Batch batch = Batch.of(ExampleBatches.coldChain());
        int first = ExcursionWitness.findRun(batch, ExampleBatches.COLD_STORE, CommittedReading.TEMPERATURE,
                ExampleBatches.LO, ExampleBatches.HI).orElseThrow();
        check("excursion", exampleJson("cold-store-7 reads 12 °C (28515 cK) three times in a row, outside 2–8 °C"
                + " [27515, 28115]", ExcursionWitness.forRun(batch, first, ExampleBatches.LO, ExampleBatches.HI)));
    }

    @Test
    void emissionsExampleIsTheTenReadingBatch() throws Exception {
        check("emissions", exampleJson("ten co2e readings (grams) of boiler-2 and kiln-1, 54 padding slots",
                EmissionsWitness.forBatch(Batch.of(ExampleBatches.emissions()))));
    }
}
