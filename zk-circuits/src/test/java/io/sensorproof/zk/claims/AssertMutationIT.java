package io.sensorproof.zk.claims;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sensorproof.zk.CircuitBuild;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * No assert of the claim circuits is decorative: {@code scripts/assert-mutation.mjs} deletes each
 * assertion (and each range check) of both circuits and of {@code circuits/lib} in turn, recompiles,
 * and requires at least one adversarial witness of {@link ClaimCases} to compute. The circuits are
 * compiled at {@value #SLOTS} slots (the script rewrites N and L), which makes each of the 39
 * compilations several times cheaper than at N = 16 or 32; every condition is per slot or per gap,
 * so a small N exercises each assertion line. Opt-in ({@code -Pmutation}): 25 minutes measured on
 * the loaded 2-core development machine. The report is written to
 * {@code target/assert-mutation/report.json}.
 */
class AssertMutationIT {
    static final int SLOTS = 4;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode circuit(String name, List<ClaimCases.Case> cases) {
        ObjectNode circuit = JSON.createObjectNode();
        circuit.put("name", name);
        circuit.put("slots", SLOTS);
        circuit.put("levels", Integer.numberOfTrailingZeros(SLOTS));
        ArrayNode array = circuit.putArray("cases");
        for (ClaimCases.Case c : cases) {
            array.addObject().put("name", c.name())
                    .<ObjectNode>set("honest", c.honest().request().arguments())
                    .set("lie", c.lie().request().arguments());
        }
        return circuit;
    }

    @Test
    void deletingAnyAssertLetsAnAdversarialWitnessThrough() throws Exception {
        Path root = CircuitBuild.repoRoot();
        Path dir = Files.createDirectories(root.resolve("zk-circuits/target/assert-mutation"));
        ObjectNode input = JSON.createObjectNode();
        input.putArray("circuits").add(circuit(RunClaimWitness.CIRCUIT, ClaimCases.run(SLOTS)))
                .add(circuit(EmissionsClaimWitness.CIRCUIT, ClaimCases.emissions(SLOTS)));
        Path cases = dir.resolve("cases.json");
        Files.writeString(cases, JSON.writeValueAsString(input));
        Path report = dir.resolve("report.json");
        Files.deleteIfExists(report);
        Path log = dir.resolve("output.log");

        Process process = new ProcessBuilder("node", root.resolve("zk-circuits/scripts/assert-mutation.mjs").toString(),
                cases.toString(), report.toString()).directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!process.waitFor(90, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("assert-mutation.mjs timed out");
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();

        JsonNode result = JSON.readTree(report.toFile());
        assertThat(result.get("survivors").asInt()).isZero();
        assertThat(result.get("errors").asInt()).isZero();
        for (JsonNode circuit : result.get("circuits")) {
            // every assertion line of the circuit itself and of lib/leaf.zok was mutated
            assertThat(circuit.get("mutants").size()).as(circuit.get("name").asText()).isGreaterThanOrEqualTo(15);
            for (JsonNode mutant : circuit.get("mutants")) {
                assertThat(mutant.get("killedBy").isTextual()).as(mutant.toString()).isTrue();
            }
        }
    }
}
