package io.sensorproof.zk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/** The EIP-196/197 known-answer vectors under {@code src/test/resources/vectors/}. */
public final class PrecompileVectors {
    /** One vector: hex input and expected output as in the go-ethereum files. */
    public record Vector(String name, String input, String expected) {
        /** The 32-byte word at index i of the input, right-padded with zeros as the precompiles do. */
        public BigInteger word(int i) {
            int from = i * 64;
            if (from >= input.length()) {
                return BigInteger.ZERO;
            }
            StringBuilder hex = new StringBuilder(input.substring(from, Math.min(input.length(), from + 64)));
            while (hex.length() < 64) {
                hex.append('0');
            }
            return new BigInteger(hex.toString(), 16);
        }

        public int words() {
            return input.length() / 64;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private PrecompileVectors() {
    }

    public static List<Vector> load(String file) {
        try (InputStream in = PrecompileVectors.class.getResourceAsStream("/vectors/" + file)) {
            if (in == null) {
                throw new IllegalStateException("missing vector file " + file);
            }
            List<Vector> vectors = new ArrayList<>();
            for (JsonNode node : new ObjectMapper().readTree(in)) {
                vectors.add(new Vector(node.get("Name").asText(), node.get("Input").asText(),
                        node.get("Expected").asText()));
            }
            return vectors;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Big-endian 32-byte hex of a field element, as the precompiles output it. */
    public static String word(BigInteger value) {
        String hex = value.toString(16);
        return "0".repeat(64 - hex.length()) + hex;
    }
}
