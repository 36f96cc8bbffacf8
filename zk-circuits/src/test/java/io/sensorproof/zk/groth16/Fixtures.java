package io.sensorproof.zk.groth16;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/** The committed zokrates-js fixtures under {@code src/test/resources/circuits/} and JSON tampering. */
final class Fixtures {
    static final List<String> CIRCUITS = List.of("square1", "cube1", "linear4", "sum8");
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final BigInteger P = new BigInteger(
            "21888242871839275222246405745257275088696311157297823662689037894645226208583");
    static final BigInteger R = new BigInteger(
            "21888242871839275222246405745257275088548364400416034343698204186575808495617");

    private Fixtures() {
    }

    static String resource(String circuit, String file) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/circuits/" + circuit + "/" + file)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture " + circuit + "/" + file);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String key(String circuit) {
        return resource(circuit, "verification.key");
    }

    static String proof(String circuit) {
        return resource(circuit, "proof.json");
    }

    static ObjectNode tree(String json) {
        try {
            return (ObjectNode) MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A copy of the document with one edit applied. */
    static String edit(String json, Consumer<ObjectNode> change) {
        ObjectNode root = tree(json);
        change.accept(root);
        return root.toString();
    }

    static String hex(BigInteger v) {
        String digits = v.toString(16);
        return "0x" + "0".repeat(Math.max(0, 64 - digits.length())) + digits;
    }

    static BigInteger value(JsonNode node) {
        return new BigInteger(node.asText().substring(2), 16);
    }

    /** Replaces the number at {@code array[index]} by {@code f(old)}. */
    static void map(JsonNode array, int index, UnaryOperator<BigInteger> f) {
        ((ArrayNode) array).set(index, hex(f.apply(value(array.get(index)))));
    }
}
