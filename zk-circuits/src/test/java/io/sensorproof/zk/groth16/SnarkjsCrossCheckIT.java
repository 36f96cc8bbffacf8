package io.sensorproof.zk.groth16;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Independent check: the same proofs and tampered variants go to snarkjs (converted to its
 * format) and to zokrates-js, and every verdict must equal the Java verifier's. The claim circuits'
 * fixture proofs are checked with each of their public inputs tampered in turn.
 */
class SnarkjsCrossCheckIT {
    @TempDir
    Path dir;

    /** The claim circuits: fixture proofs under src/test/resources/circuits, keys committed in main resources. */
    private static final List<String> CLAIM_CIRCUITS = List.of("excursion", "emissions");

    private record Case(String name, String key, String proof) {
    }

    private static String claimKey(String circuit) {
        try (InputStream in = SnarkjsCrossCheckIT.class.getResourceAsStream(
                "/io/sensorproof/zk/circuits/" + circuit + "/verification.key")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String proofEdit(String circuit, Consumer<ObjectNode> change) {
        return Fixtures.edit(Fixtures.proof(circuit), change);
    }

    private List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (String circuit : Fixtures.CIRCUITS) {
            String key = Fixtures.key(circuit);
            cases.add(new Case(circuit + ": valid", key, Fixtures.proof(circuit)));
            cases.add(new Case(circuit + ": a negated", key, proofEdit(circuit, root ->
                    Fixtures.map(root.get("proof").get("a"), 1, y -> Fixtures.P.subtract(y)))));
            cases.add(new Case(circuit + ": c negated", key, proofEdit(circuit, root ->
                    Fixtures.map(root.get("proof").get("c"), 1, y -> Fixtures.P.subtract(y)))));
            cases.add(new Case(circuit + ": b negated", key, proofEdit(circuit, root -> {
                ArrayNode y = (ArrayNode) root.get("proof").get("b").get(1);
                Fixtures.map(y, 0, v -> Fixtures.P.subtract(v).mod(Fixtures.P));
                Fixtures.map(y, 1, v -> Fixtures.P.subtract(v).mod(Fixtures.P));
            })));
            cases.add(new Case(circuit + ": a and c swapped", key, proofEdit(circuit, root -> {
                JsonNode a = root.get("proof").get("a");
                ((ObjectNode) root.get("proof")).set("a", root.get("proof").get("c"));
                ((ObjectNode) root.get("proof")).set("c", a);
            })));
            cases.add(new Case(circuit + ": a off curve", key, proofEdit(circuit, root ->
                    Fixtures.map(root.get("proof").get("a"), 1, y -> y.add(BigInteger.ONE).mod(Fixtures.P)))));
            cases.add(new Case(circuit + ": input 0 plus one", key, proofEdit(circuit, root ->
                    Fixtures.map(root.get("inputs"), 0, v -> v.add(BigInteger.ONE)))));
            cases.add(new Case(circuit + ": input 0 = r", key, proofEdit(circuit, root ->
                    Fixtures.map(root.get("inputs"), 0, v -> Fixtures.R))));
            cases.add(new Case(circuit + ": key delta swapped with gamma", Fixtures.edit(key, root -> {
                JsonNode gamma = root.get("gamma");
                root.set("gamma", root.get("delta"));
                root.set("delta", gamma);
            }), Fixtures.proof(circuit)));
            cases.add(new Case(circuit + ": key alpha negated", Fixtures.edit(key, root ->
                    Fixtures.map(root.get("alpha"), 1, y -> Fixtures.P.subtract(y))), Fixtures.proof(circuit)));
        }
        for (String circuit : CLAIM_CIRCUITS) {
            String key = claimKey(circuit);
            String proof = Fixtures.proof(circuit);
            cases.add(new Case(circuit + ": valid", key, proof));
            int inputs = Fixtures.tree(proof).get("inputs").size();
            for (int i = 0; i < inputs; i++) {
                int index = i;
                cases.add(new Case(circuit + ": input " + i + " plus one", key, Fixtures.edit(proof, root ->
                        Fixtures.map(root.get("inputs"), index, v -> v.add(BigInteger.ONE)))));
            }
            cases.add(new Case(circuit + ": a negated", key, Fixtures.edit(proof, root ->
                    Fixtures.map(root.get("proof").get("a"), 1, y -> Fixtures.P.subtract(y)))));
        }
        cases.add(new Case("emissions proof against excursion key", claimKey("excursion"), Fixtures.proof("emissions")));
        cases.add(new Case("square1 proof against cube1 key", Fixtures.key("cube1"), Fixtures.proof("square1")));
        cases.add(new Case("cube1 proof against square1 key", Fixtures.key("square1"), Fixtures.proof("cube1")));
        return cases;
    }

    private static boolean javaVerdict(Case c) {
        try {
            return Groth16Verifier.fromJson(c.key()).verifyJson(c.proof());
        } catch (VerificationException e) {
            return false;
        }
    }

    @Test
    void snarkjsAndZokratesJsAgreeWithJavaOnEveryVariant() throws Exception {
        List<Case> cases = cases();
        ArrayNode manifest = Fixtures.MAPPER.createArrayNode();
        Map<String, Boolean> expected = new LinkedHashMap<>();
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            Path key = Files.writeString(dir.resolve(i + ".key"), c.key());
            Path proof = Files.writeString(dir.resolve(i + ".proof.json"), c.proof());
            manifest.addObject().put("name", c.name()).put("vk", key.toString()).put("proof", proof.toString());
            expected.put(c.name(), javaVerdict(c));
        }
        Path manifestFile = Files.writeString(dir.resolve("manifest.json"), manifest.toString());

        JsonNode results = Fixtures.MAPPER.readTree(NodeProcess.run("cross-check.mjs", manifestFile.toString()));

        assertThat(results).hasSize(cases.size());
        int accepted = 0;
        for (JsonNode result : results) {
            String name = result.get("name").asText();
            boolean java = expected.get(name);
            accepted += java ? 1 : 0;
            JsonNode snarkjs = result.get("snarkjs");
            JsonNode zokrates = result.get("zokrates");
            assertThat(snarkjs.isBoolean() && snarkjs.asBoolean()).as("snarkjs on %s (%s)", name, snarkjs).isEqualTo(java);
            assertThat(zokrates.isBoolean() && zokrates.asBoolean()).as("zokrates-js on %s (%s)", name, zokrates).isEqualTo(java);
        }
        assertThat(accepted).as("the untampered proofs").isEqualTo(Fixtures.CIRCUITS.size() + CLAIM_CIRCUITS.size());
    }
}
