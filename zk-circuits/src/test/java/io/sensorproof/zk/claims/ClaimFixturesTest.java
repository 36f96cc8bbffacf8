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
        assertThat(ExcursionVerifier.INPUT_COUNT).isEqualTo(9);
        assertThat(EmissionsVerifier.INPUT_COUNT).isEqualTo(9);
        assertThat(ExcursionVerifier.verifyJson(proof("excursion"))).isTrue();
        assertThat(EmissionsVerifier.verifyJson(proof("emissions"))).isTrue();
        // same input count: a proof of one claim is simply false under the other's key
        assertThat(ExcursionVerifier.verifyJson(proof("emissions"))).isFalse();
        assertThat(EmissionsVerifier.verifyJson(proof("excursion"))).isFalse();
        ObjectNode extra = (ObjectNode) JSON.readTree(proof("excursion"));
        ((ArrayNode) extra.get("inputs")).add("0x" + "0".repeat(63) + "1");
        assertThatThrownBy(() -> ExcursionVerifier.verifyJson(JSON.writeValueAsString(extra)))
                .isInstanceOf(VerificationException.class)
                .extracting(e -> ((VerificationException) e).code()).isEqualTo(ErrorCode.WRONG_INPUT_COUNT);
    }

    @Test
    void changingAnyPublicInputBreaksTheProof() throws Exception {
        for (String circuit : new String[] {"excursion", "emissions"}) {
            String proof = proof(circuit);
            Groth16Verifier verifier = Groth16Verifier.fromJson(CircuitArtifacts.committedVerificationKey(circuit));
            JsonNode inputs = JSON.readTree(proof).get("inputs");
            assertThat(inputs.size()).isEqualTo(9);
            for (int i = 0; i < inputs.size(); i++) {
                BigInteger original = new BigInteger(inputs.get(i).asText().substring(2), 16);
                assertThat(verifier.verifyJson(withInput(proof, i, original.add(BigInteger.ONE))))
                        .as("%s input %d plus one", circuit, i).isFalse();
                if (original.signum() > 0) {
                    assertThat(verifier.verifyJson(withInput(proof, i, original.subtract(BigInteger.ONE))))
                            .as("%s input %d minus one", circuit, i).isFalse();
                }
            }
        }
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
