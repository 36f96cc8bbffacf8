package io.sensorproof.zk.claims;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sensorproof.zk.generated.EmissionsVerifier;
import io.sensorproof.zk.generated.ExcursionVerifier;
import io.sensorproof.zk.groth16.ErrorCode;
import io.sensorproof.zk.groth16.Groth16Verifier;
import io.sensorproof.zk.groth16.VerificationException;
import io.sensorproof.zk.prover.CircuitArtifacts;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The committed fixture proofs of the claim circuits (proved by the build from the example
 * witnesses) verify in Java under the committed keys, through the runtime verifier and the
 * generated classes, and only for their own public inputs. Needs no Node.
 */
class ClaimFixturesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String proof(String circuit) throws Exception {
        try (InputStream in = ClaimFixturesTest.class.getResourceAsStream("/circuits/" + circuit + "/proof.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String withInput(String proofJson, int index, BigInteger value) throws Exception {
        ObjectNode proof = (ObjectNode) JSON.readTree(proofJson);
        ((ArrayNode) proof.get("inputs")).set(index, JSON.getNodeFactory().textNode(
                "0x" + String.format("%64s", value.toString(16)).replace(' ', '0')));
        return JSON.writeValueAsString(proof);
    }

    @Test
    void fixtureProofsVerifyForTheExamplesPublicInputs() throws Exception {
        for (String circuit : new String[] {"excursion", "emissions"}) {
            Groth16Verifier verifier = Groth16Verifier.fromJson(CircuitArtifacts.committedVerificationKey(circuit));
            String proof = proof(circuit);
            assertThat(verifier.verifyJson(proof)).as(circuit).isTrue();
            JsonNode example = JSON.readTree(Files.readString(Path.of("circuits", circuit + ".example.json")));
            JsonNode inputs = JSON.readTree(proof).get("inputs");
            for (int i = 0; i < inputs.size(); i++) {
                assertThat(new BigInteger(inputs.get(i).asText().substring(2), 16))
                        .isEqualTo(new BigInteger(example.get("publicInputs").get(i).asText()));
            }
        }
    }

    @Test
    void generatedVerifiersAcceptTheirProofAndNoOther() throws Exception {
        assertThat(ExcursionVerifier.INPUT_COUNT).isEqualTo(7);
        assertThat(EmissionsVerifier.INPUT_COUNT).isEqualTo(2);
        assertThat(ExcursionVerifier.verifyJson(proof("excursion"))).isTrue();
        assertThat(EmissionsVerifier.verifyJson(proof("emissions"))).isTrue();
        assertThatThrownBy(() -> ExcursionVerifier.verifyJson(proof("emissions")))
                .isInstanceOf(VerificationException.class)
                .extracting(e -> ((VerificationException) e).code()).isEqualTo(ErrorCode.WRONG_INPUT_COUNT);
    }

    @Test
    void changingAnyPublicInputBreaksTheProof() throws Exception {
        String excursion = proof("excursion");
        for (int i = 0; i < 7; i++) {
            BigInteger original = new BigInteger(JSON.readTree(excursion).get("inputs").get(i).asText().substring(2), 16);
            assertThat(ExcursionVerifier.verifyJson(withInput(excursion, i, original.add(BigInteger.ONE)))).as("input %d", i)
                    .isFalse();
        }
        String emissions = proof("emissions");
        BigInteger total = new BigInteger(JSON.readTree(emissions).get("inputs").get(1).asText().substring(2), 16);
        assertThat(EmissionsVerifier.verifyJson(withInput(emissions, 1, total.subtract(BigInteger.ONE)))).isFalse();
    }

    @Test
    void buildRecordsNameTheConstraintCounts() throws Exception {
        for (String circuit : new String[] {"excursion", "emissions"}) {
            try (InputStream in = getClass().getResourceAsStream("/io/sensorproof/zk/circuits/" + circuit + "/build.json")) {
                JsonNode build = JSON.readTree(in);
                assertThat(build.get("circuit").asText()).isEqualTo(circuit);
                assertThat(build.get("constraintCount").asInt()).isPositive();
                assertThat(build.get("zokratesJs").asText()).isEqualTo("1.1.9");
            }
        }
    }
}
