package io.sensorproof.zk.poseidon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sensorproof.zk.bn254.Scalar;
import io.sensorproof.zk.merkle.BatchTree;
import java.io.InputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Java Poseidon against vectors computed by ZoKrates itself (see vectors/README.md). */
class PoseidonVectorsTest {
    private static JsonNode vectors() throws Exception {
        try (InputStream in = PoseidonVectorsTest.class.getResourceAsStream("/vectors/poseidon.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    private static List<BigInteger> numbers(JsonNode array) {
        List<BigInteger> out = new ArrayList<>();
        array.forEach(n -> out.add(new BigInteger(n.asText())));
        return out;
    }

    @Test
    void matchesEveryZokratesVector() throws Exception {
        JsonNode cases = vectors().get("poseidon");
        assertThat(cases.size()).isEqualTo(30);
        for (JsonNode c : cases) {
            assertThat(Poseidon.hash(numbers(c.get("inputs"))))
                    .as("poseidon(%s)", c.get("inputs"))
                    .isEqualTo(new BigInteger(c.get("hash").asText()));
            assertThat(ReferencePoseidon.hash(numbers(c.get("inputs"))))
                    .as("reference poseidon(%s)", c.get("inputs"))
                    .isEqualTo(new BigInteger(c.get("hash").asText()));
        }
    }

    @Test
    void hashOfOneAndTwoIsTheReferenceValue() {
        assertThat(Poseidon.hash(BigInteger.ONE, BigInteger.TWO)).isEqualTo(new BigInteger(
                "7853200120776062878684798364095072458815029376092732009249414926327459813530"));
    }

    @Test
    void emptySubtreeHashesMatchZokrates() throws Exception {
        List<BigInteger> empty = numbers(vectors().get("emptySubtrees"));
        for (int level = 0; level <= BatchTree.DEPTH; level++) {
            assertThat(BatchTree.emptySubtree(level)).as("level %d", level).isEqualTo(empty.get(level));
        }
    }

    @Test
    void changingOneInputChangesTheHash() throws Exception {
        for (JsonNode c : vectors().get("poseidon")) {
            List<BigInteger> inputs = numbers(c.get("inputs"));
            inputs.set(inputs.size() - 1, inputs.get(inputs.size() - 1).add(BigInteger.ONE).mod(Scalar.ORDER));
            assertThat(Poseidon.hash(inputs)).isNotEqualTo(new BigInteger(c.get("hash").asText()));
        }
    }

    @Test
    void refusesInputCountsAndValuesZokratesCannotHash() {
        assertRefused(() -> Poseidon.hash(List.of()), PoseidonError.BAD_INPUT_COUNT);
        assertRefused(() -> Poseidon.hash(List.of(BigInteger.ONE, BigInteger.ONE, BigInteger.ONE, BigInteger.ONE,
                BigInteger.ONE, BigInteger.ONE, BigInteger.ONE)), PoseidonError.BAD_INPUT_COUNT);
        assertRefused(() -> Poseidon.hash(Scalar.ORDER), PoseidonError.NOT_A_FIELD_ELEMENT);
        assertRefused(() -> Poseidon.hash(BigInteger.ONE, BigInteger.ONE.negate()), PoseidonError.NOT_A_FIELD_ELEMENT);
        assertRefused(() -> ReferencePoseidon.hash(List.of()), PoseidonError.BAD_INPUT_COUNT);
        assertRefused(() -> ReferencePoseidon.hash(Scalar.ORDER.add(BigInteger.ONE)), PoseidonError.NOT_A_FIELD_ELEMENT);
    }

    private static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, PoseidonError error) {
        assertThatThrownBy(call).isInstanceOf(IllegalArgumentException.class)
                .isInstanceOfSatisfying(PoseidonException.class, e -> assertThat(e.error()).isEqualTo(error));
    }
}
