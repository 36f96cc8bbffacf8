package io.sensorproof.oracle.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sensorproof.zk.claims.EmissionsClaimWitness;
import io.sensorproof.zk.claims.RunClaimWitness;
import io.sensorproof.zk.prover.CircuitArtifacts;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** The committed fixture bundles ({@link BundleFixtureGenerator}) and JSON-path helpers for mutating them. */
final class BundleFixtures {
    static final ObjectMapper JSON = new ObjectMapper();

    private BundleFixtures() {
    }

    static String text(String name) {
        try (InputStream in = BundleFixtures.class.getResourceAsStream("/bundles/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode tree(String name) {
        try {
            return (ObjectNode) JSON.readTree(text(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Both circuits' shipped keys, pinned by their SHA-256 as a reader would. */
    static PinnedKeys pinned() {
        PinnedKeys keys = PinnedKeys.none();
        for (String circuit : List.of(RunClaimWitness.CIRCUIT, EmissionsClaimWitness.CIRCUIT)) {
            keys = keys.withShippedKey(circuit, PinnedKeys.sha256Hex(CircuitArtifacts.committedVerificationKey(circuit)));
        }
        return keys;
    }

    /** Every leaf (number, string) of the tree with its path in the verifier's syntax ({@code a.b[0].c}). */
    static List<String> leafPaths(JsonNode node) {
        List<String> paths = new ArrayList<>();
        walk(node, "", paths);
        return paths;
    }

    private static void walk(JsonNode node, String path, List<String> out) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                walk(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey(), out);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), path + "[" + i + "]", out);
            }
        } else {
            out.add(path);
        }
    }

    /** The node at {@code path}. */
    static JsonNode at(JsonNode root, String path) {
        JsonNode node = root;
        for (String step : steps(path)) {
            node = step.startsWith("[") ? node.get(Integer.parseInt(step.substring(1, step.length() - 1))) : node.get(step);
        }
        return node;
    }

    /** Replaces the value at {@code path} (parent object or array) with {@code value}. */
    static void set(JsonNode root, String path, JsonNode value) {
        List<String> steps = steps(path);
        JsonNode parent = root;
        for (String step : steps.subList(0, steps.size() - 1)) {
            parent = step.startsWith("[") ? parent.get(Integer.parseInt(step.substring(1, step.length() - 1)))
                    : parent.get(step);
        }
        String last = steps.get(steps.size() - 1);
        if (last.startsWith("[")) {
            ((ArrayNode) parent).set(Integer.parseInt(last.substring(1, last.length() - 1)), value);
        } else {
            ((ObjectNode) parent).set(last, value);
        }
    }

    /** Removes the element or field at {@code path}. */
    static void remove(JsonNode root, String path) {
        List<String> steps = steps(path);
        JsonNode parent = at(root, String.join("", steps.subList(0, steps.size() - 1).stream()
                .map(s -> s.startsWith("[") ? s : "." + s).toList()).replaceFirst("^\\.", ""));
        String last = steps.get(steps.size() - 1);
        if (last.startsWith("[")) {
            ((ArrayNode) parent).remove(Integer.parseInt(last.substring(1, last.length() - 1)));
        } else {
            ((ObjectNode) parent).remove(last);
        }
    }

    /** A copy of {@code root} changed by {@code change}, as text. */
    static String mutated(ObjectNode root, Consumer<ObjectNode> change) {
        ObjectNode copy = root.deepCopy();
        change.accept(copy);
        return copy.toString();
    }

    static List<String> steps(String path) {
        List<String> steps = new ArrayList<>();
        for (String part : path.split("\\.")) {
            int bracket = part.indexOf('[');
            if (bracket < 0) {
                steps.add(part);
                continue;
            }
            if (bracket > 0) {
                steps.add(part.substring(0, bracket));
            }
            String rest = part.substring(bracket);
            while (!rest.isEmpty()) {
                int close = rest.indexOf(']');
                steps.add(rest.substring(0, close + 1));
                rest = rest.substring(close + 1);
            }
        }
        return steps;
    }
}
