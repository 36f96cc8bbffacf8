package io.sensorproof.oracle.jobs.kinds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sensorproof.oracle.jobs.JobException;
import io.sensorproof.oracle.testing.ZkProofFile;
import java.math.BigInteger;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClaimCalldataTest {
    private static String fixture(String circuit) throws Exception {
        return Files.readString(ZkProofFile.repoFile("zk-circuits/src/test/resources/circuits/" + circuit + "/proof.json"));
    }

    @ParameterizedTest
    @ValueSource(strings = {ClaimCalldata.EXCURSION, ClaimCalldata.EMISSIONS})
    void wordsAreTheExportedVerifiersOrderAndTheProofSelfVerifies(String circuit) throws Exception {
        String json = fixture(circuit);
        ZkProofFile file = ZkProofFile.parse(new ObjectMapper().readTree(json));
        assertThat(ClaimCalldata.proofWords(json)).isEqualTo(file.proof());
        assertThat(ClaimCalldata.inputs(json)).isEqualTo(file.inputs());
        ClaimCalldata.selfVerify(circuit, json, file.inputs());
    }

    @ParameterizedTest
    @ValueSource(strings = {ClaimCalldata.EXCURSION, ClaimCalldata.EMISSIONS})
    void aProofForOtherInputsOrAnotherCircuitIsNeverSent(String circuit) throws Exception {
        String json = fixture(circuit);
        List<BigInteger> inputs = ClaimCalldata.inputs(json);
        List<BigInteger> other = new ArrayList<>(inputs);
        other.set(0, other.get(0).add(BigInteger.ONE));
        assertThatThrownBy(() -> ClaimCalldata.selfVerify(circuit, json, other))
                .isInstanceOfSatisfying(JobException.class,
                        e -> assertThat(e.code()).isEqualTo(JobException.Code.SELF_VERIFY_FAILED));
        String otherCircuit = circuit.equals(ClaimCalldata.EXCURSION) ? ClaimCalldata.EMISSIONS : ClaimCalldata.EXCURSION;
        assertThatThrownBy(() -> ClaimCalldata.selfVerify(otherCircuit, json, inputs))
                .isInstanceOfSatisfying(JobException.class,
                        e -> assertThat(e.code()).isEqualTo(JobException.Code.SELF_VERIFY_FAILED));
        ObjectNode tampered = (ObjectNode) new ObjectMapper().readTree(json);
        ArrayNode c = (ArrayNode) tampered.path("proof").path("c");
        ArrayNode a = (ArrayNode) tampered.path("proof").path("a");
        var swap = c.get(0);
        c.set(0, a.get(0));
        a.set(0, swap);
        assertThatThrownBy(() -> ClaimCalldata.selfVerify(circuit, tampered.toString(), inputs))
                .isInstanceOfSatisfying(JobException.class,
                        e -> assertThat(e.code()).isEqualTo(JobException.Code.SELF_VERIFY_FAILED));
    }
}
