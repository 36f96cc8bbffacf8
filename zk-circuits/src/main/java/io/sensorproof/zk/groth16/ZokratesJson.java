package io.sensorproof.zk.groth16;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads ZoKrates g16/bn128 {@code verification.key} and {@code proof.json}. Numbers are
 * {@code 0x}-prefixed big-endian hex of at most 64 digits (a uint256, as the Solidity verifier
 * takes them); anything else is {@link ErrorCode#MALFORMED_JSON}. Range and curve checks are
 * left to {@link Groth16Verifier}, so that they follow the Solidity verifier's order.
 */
public final class ZokratesJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern HEX = Pattern.compile("0[xX][0-9a-fA-F]{1,64}");

    private ZokratesJson() {
    }

    public static VerificationKey parseVerificationKey(String json) {
        JsonNode root = tree(json);
        requireScheme(root, true);
        List<G1Coordinates> gammaAbc = new ArrayList<>();
        JsonNode abc = field(root, "gamma_abc", "");
        if (!abc.isArray() || abc.isEmpty()) {
            throw malformed("gamma_abc", "expected a non-empty array of G1 points");
        }
        for (int i = 0; i < abc.size(); i++) {
            gammaAbc.add(g1(abc.get(i), "gamma_abc[" + i + "]"));
        }
        return new VerificationKey(g1(field(root, "alpha", ""), "alpha"), g2(field(root, "beta", ""), "beta"),
                g2(field(root, "gamma", ""), "gamma"), g2(field(root, "delta", ""), "delta"), gammaAbc);
    }

    public static Groth16Proof parseProof(String json) {
        JsonNode root = tree(json);
        requireScheme(root, false);
        JsonNode proof = field(root, "proof", "");
        if (!proof.isObject()) {
            throw malformed("proof", "expected an object with a, b and c");
        }
        JsonNode inputs = field(root, "inputs", "");
        if (!inputs.isArray()) {
            throw malformed("inputs", "expected an array of field elements");
        }
        List<BigInteger> values = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            values.add(number(inputs.get(i), "inputs[" + i + "]"));
        }
        return new Groth16Proof(g1(field(proof, "a", "proof."), "proof.a"), g2(field(proof, "b", "proof."), "proof.b"),
                g1(field(proof, "c", "proof."), "proof.c"), values);
    }

    private static JsonNode tree(String json) {
        try {
            JsonNode root = MAPPER.readTree(json);
            if (root == null || !root.isObject()) {
                throw malformed("$", "expected a JSON object");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new VerificationException(ErrorCode.MALFORMED_JSON, "$", "not JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new VerificationException(ErrorCode.MALFORMED_JSON, "$", "unreadable: " + e.getMessage(), e);
        }
    }

    /** A key must name g16/bn128; a proof may omit them but must not name anything else. */
    private static void requireScheme(JsonNode root, boolean required) {
        expectText(root, "scheme", "g16", required);
        expectText(root, "curve", "bn128", required);
    }

    private static void expectText(JsonNode root, String name, String expected, boolean required) {
        JsonNode node = root.get(name);
        if (node == null) {
            if (required) {
                throw new VerificationException(ErrorCode.WRONG_SCHEME, name, "missing; expected \"" + expected + "\"");
            }
            return;
        }
        if (!node.isTextual() || !node.asText().equals(expected)) {
            throw new VerificationException(ErrorCode.WRONG_SCHEME, name,
                    "is " + node + "; only \"" + expected + "\" is supported");
        }
    }

    private static JsonNode field(JsonNode node, String name, String prefix) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            throw malformed(prefix + name, "missing");
        }
        return value;
    }

    private static G1Coordinates g1(JsonNode node, String path) {
        requireArray(node, 2, path);
        return new G1Coordinates(number(node.get(0), path + "[0]"), number(node.get(1), path + "[1]"));
    }

    private static G2Coordinates g2(JsonNode node, String path) {
        requireArray(node, 2, path);
        requireArray(node.get(0), 2, path + "[0]");
        requireArray(node.get(1), 2, path + "[1]");
        return new G2Coordinates(number(node.get(0).get(0), path + "[0][0]"), number(node.get(0).get(1), path + "[0][1]"),
                number(node.get(1).get(0), path + "[1][0]"), number(node.get(1).get(1), path + "[1][1]"));
    }

    private static void requireArray(JsonNode node, int size, String path) {
        if (!node.isArray() || node.size() != size) {
            throw malformed(path, "expected an array of " + size);
        }
    }

    private static BigInteger number(JsonNode node, String path) {
        if (!node.isTextual() || !HEX.matcher(node.asText()).matches()) {
            throw malformed(path, "expected 0x-prefixed hex of at most 64 digits, got " + abbreviate(node.toString()));
        }
        return new BigInteger(node.asText().substring(2), 16);
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }

    private static VerificationException malformed(String path, String message) {
        return new VerificationException(ErrorCode.MALFORMED_JSON, path, message);
    }
}
