package io.sensorproof.zk.groth16;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sensorproof.zk.bn254.Fp2;
import io.sensorproof.zk.bn254.G1Point;
import io.sensorproof.zk.bn254.G2Point;
import io.sensorproof.zk.bn254.Scalar;
import io.sensorproof.zk.reference.RefFp2;
import io.sensorproof.zk.reference.RefG2;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class Groth16VerifierTest {
    private static final Map<String, Groth16Verifier> VERIFIERS = new ConcurrentHashMap<>();

    static Groth16Verifier verifier(String circuit) {
        return VERIFIERS.computeIfAbsent(circuit, c -> Groth16Verifier.fromJson(Fixtures.key(c)));
    }

    static Stream<String> circuits() {
        return Fixtures.CIRCUITS.stream();
    }

    @ParameterizedTest
    @MethodSource("circuits")
    void acceptsProofMadeByZokratesJs(String circuit) {
        assertThat(verifier(circuit).verifyJson(Fixtures.proof(circuit))).isTrue();
    }

    @Test
    void rejectsProofForAnotherCircuitWithSameInputCount() {
        assertThat(verifier("cube1").verifyJson(Fixtures.proof("square1"))).isFalse();
        assertThat(verifier("square1").verifyJson(Fixtures.proof("cube1"))).isFalse();
    }

    @Test
    void rejectsProofForAnotherCircuitWithOtherInputCount() {
        assertThatThrownBy(() -> verifier("sum8").verifyJson(Fixtures.proof("linear4")))
                .isInstanceOfSatisfying(VerificationException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.WRONG_INPUT_COUNT));
    }

    // ---- tampered proofs -------------------------------------------------------------------

    /** Valid curve points to swap in: same group, wrong value. */
    private static final G1Point OTHER_G1 = G1Point.of(BigInteger.ONE, BigInteger.TWO).mul(Scalar.of(BigInteger.valueOf(5)));
    private static final G2Point G2_GEN = G2Point.of(
            Fp2.of(new BigInteger("10857046999023057135944570762232829481370756359578518086990519993285655852781"),
                    new BigInteger("11559732032986387107991004021392285783925812861821192530917403151452391805634")),
            Fp2.of(new BigInteger("8495653923123431417604973247489272438418190587263600148770280649306958101930"),
                    new BigInteger("4082367875863433681332203403145435568316851327593401208105741076214120093531")));
    private static final G2Point OTHER_G2 = G2_GEN.mul(Scalar.of(BigInteger.valueOf(7)));

    static ArrayNode g1Json(G1Point p) {
        ArrayNode a = Fixtures.MAPPER.createArrayNode();
        a.add(Fixtures.hex(p.x().toBigInteger()));
        a.add(Fixtures.hex(p.y().toBigInteger()));
        return a;
    }

    static ArrayNode g2Json(G2Point q) {
        ArrayNode a = Fixtures.MAPPER.createArrayNode();
        a.addArray().add(Fixtures.hex(q.x().c0().toBigInteger())).add(Fixtures.hex(q.x().c1().toBigInteger()));
        a.addArray().add(Fixtures.hex(q.y().c0().toBigInteger())).add(Fixtures.hex(q.y().c1().toBigInteger()));
        return a;
    }

    static G1Point g1Of(JsonNode n) {
        return G1Point.of(Fixtures.value(n.get(0)), Fixtures.value(n.get(1)));
    }

    static G2Point g2Of(JsonNode n) {
        return G2Point.of(Fp2.of(Fixtures.value(n.get(0).get(0)), Fixtures.value(n.get(0).get(1))),
                Fp2.of(Fixtures.value(n.get(1).get(0)), Fixtures.value(n.get(1).get(1))));
    }

    /** Edits of a proof that keep it well-formed, so only the pairing can refuse them. */
    static Stream<Arguments> wellFormedProofTampering() {
        List<Arguments> cases = new ArrayList<>();
        for (String circuit : Fixtures.CIRCUITS) {
            cases.add(Arguments.of(circuit, "a replaced by another point", (Consumer<ObjectNode>) root ->
                    ((ObjectNode) root.get("proof")).set("a", g1Json(OTHER_G1))));
            cases.add(Arguments.of(circuit, "a negated", (Consumer<ObjectNode>) root ->
                    ((ObjectNode) root.get("proof")).set("a", g1Json(g1Of(root.get("proof").get("a")).neg()))));
            cases.add(Arguments.of(circuit, "a doubled", (Consumer<ObjectNode>) root ->
                    ((ObjectNode) root.get("proof")).set("a", g1Json(g1Of(root.get("proof").get("a")).add(g1Of(root.get("proof").get("a")))))));
            cases.add(Arguments.of(circuit, "b replaced by another G2 point", (Consumer<ObjectNode>) root ->
                    ((ObjectNode) root.get("proof")).set("b", g2Json(OTHER_G2))));
            cases.add(Arguments.of(circuit, "b negated", (Consumer<ObjectNode>) root ->
                    ((ObjectNode) root.get("proof")).set("b", g2Json(g2Of(root.get("proof").get("b")).neg()))));
            cases.add(Arguments.of(circuit, "c replaced by another point", (Consumer<ObjectNode>) root ->
                    ((ObjectNode) root.get("proof")).set("c", g1Json(OTHER_G1))));
            cases.add(Arguments.of(circuit, "c negated", (Consumer<ObjectNode>) root ->
                    ((ObjectNode) root.get("proof")).set("c", g1Json(g1Of(root.get("proof").get("c")).neg()))));
            cases.add(Arguments.of(circuit, "a and c swapped", (Consumer<ObjectNode>) root -> {
                JsonNode a = root.get("proof").get("a");
                ((ObjectNode) root.get("proof")).set("a", root.get("proof").get("c"));
                ((ObjectNode) root.get("proof")).set("c", a);
            }));
            int inputs = Fixtures.tree(Fixtures.proof(circuit)).get("inputs").size();
            for (int i = 0; i < inputs; i++) {
                int index = i;
                cases.add(Arguments.of(circuit, "input " + i + " plus one", (Consumer<ObjectNode>) root ->
                        Fixtures.map(root.get("inputs"), index, v -> v.add(BigInteger.ONE).mod(Fixtures.R))));
                cases.add(Arguments.of(circuit, "input " + i + " negated modulo r", (Consumer<ObjectNode>) root ->
                        Fixtures.map(root.get("inputs"), index, v -> Fixtures.R.subtract(v).mod(Fixtures.R))));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("wellFormedProofTampering")
    void rejectsTamperedProof(String circuit, String description, Consumer<ObjectNode> change) {
        String tampered = Fixtures.edit(Fixtures.proof(circuit), change);
        assertThat(verifier(circuit).verifyJson(tampered)).isFalse();
    }

    static Stream<Arguments> invalidProofTampering() {
        List<Arguments> cases = new ArrayList<>();
        for (String circuit : List.of("square1", "linear4")) {
            cases.add(Arguments.of(circuit, "a.y + 1 (off curve)", ErrorCode.NOT_ON_CURVE, (Consumer<ObjectNode>) root ->
                    Fixtures.map(root.get("proof").get("a"), 1, v -> v.add(BigInteger.ONE).mod(Fixtures.P))));
            cases.add(Arguments.of(circuit, "a.x + p", ErrorCode.COORDINATE_OUT_OF_RANGE, (Consumer<ObjectNode>) root ->
                    Fixtures.map(root.get("proof").get("a"), 0, v -> v.add(Fixtures.P))));
            cases.add(Arguments.of(circuit, "a.y + p", ErrorCode.COORDINATE_OUT_OF_RANGE, (Consumer<ObjectNode>) root ->
                    Fixtures.map(root.get("proof").get("a"), 1, v -> v.add(Fixtures.P))));
            cases.add(Arguments.of(circuit, "c.x + 1 (off curve)", ErrorCode.NOT_ON_CURVE, (Consumer<ObjectNode>) root ->
                    Fixtures.map(root.get("proof").get("c"), 0, v -> v.add(BigInteger.ONE).mod(Fixtures.P))));
            cases.add(Arguments.of(circuit, "c.x + p", ErrorCode.COORDINATE_OUT_OF_RANGE, (Consumer<ObjectNode>) root ->
                    Fixtures.map(root.get("proof").get("c"), 0, v -> v.add(Fixtures.P))));
            cases.add(Arguments.of(circuit, "c.y = 0", ErrorCode.COORDINATE_OUT_OF_RANGE, (Consumer<ObjectNode>) root ->
                    Fixtures.map(root.get("proof").get("c"), 1, v -> BigInteger.ZERO)));
            for (int k = 0; k < 4; k++) {
                int row = k / 2;
                int col = k % 2;
                cases.add(Arguments.of(circuit, "b[" + row + "][" + col + "] + 1 (off curve)", ErrorCode.NOT_ON_CURVE,
                        (Consumer<ObjectNode>) root -> Fixtures.map(root.get("proof").get("b").get(row), col,
                                v -> v.add(BigInteger.ONE).mod(Fixtures.P))));
                cases.add(Arguments.of(circuit, "b[" + row + "][" + col + "] + p", ErrorCode.COORDINATE_OUT_OF_RANGE,
                        (Consumer<ObjectNode>) root -> Fixtures.map(root.get("proof").get("b").get(row), col,
                                v -> v.add(Fixtures.P))));
            }
            cases.add(Arguments.of(circuit, "b on the twist outside G2", ErrorCode.NOT_IN_SUBGROUP,
                    (Consumer<ObjectNode>) root -> ((ObjectNode) root.get("proof")).set("b", g2Json(twistPointOutsideG2()))));
            cases.add(Arguments.of(circuit, "b with real and imaginary parts swapped", ErrorCode.NOT_ON_CURVE,
                    (Consumer<ObjectNode>) root -> {
                        ArrayNode b = (ArrayNode) root.get("proof").get("b");
                        for (int row = 0; row < 2; row++) {
                            ArrayNode pair = (ArrayNode) b.get(row);
                            JsonNode first = pair.get(0);
                            pair.set(0, pair.get(1));
                            pair.set(1, first);
                        }
                    }));
            cases.add(Arguments.of(circuit, "input 0 = r", ErrorCode.INPUT_OUT_OF_RANGE, (Consumer<ObjectNode>) root ->
                    Fixtures.map(root.get("inputs"), 0, v -> Fixtures.R)));
            cases.add(Arguments.of(circuit, "input 0 + r", ErrorCode.INPUT_OUT_OF_RANGE, (Consumer<ObjectNode>) root ->
                    Fixtures.map(root.get("inputs"), 0, v -> v.add(Fixtures.R))));
            cases.add(Arguments.of(circuit, "one input more", ErrorCode.WRONG_INPUT_COUNT, (Consumer<ObjectNode>) root ->
                    ((ArrayNode) root.get("inputs")).add(Fixtures.hex(BigInteger.ONE))));
            cases.add(Arguments.of(circuit, "one input less", ErrorCode.WRONG_INPUT_COUNT, (Consumer<ObjectNode>) root ->
                    ((ArrayNode) root.get("inputs")).remove(0)));
            cases.add(Arguments.of(circuit, "scheme gm17", ErrorCode.WRONG_SCHEME, (Consumer<ObjectNode>) root ->
                    root.put("scheme", "gm17")));
            cases.add(Arguments.of(circuit, "curve bls12_381", ErrorCode.WRONG_SCHEME, (Consumer<ObjectNode>) root ->
                    root.put("curve", "bls12_381")));
            cases.add(Arguments.of(circuit, "a missing", ErrorCode.MALFORMED_JSON, (Consumer<ObjectNode>) root ->
                    ((ObjectNode) root.get("proof")).remove("a")));
            cases.add(Arguments.of(circuit, "b flattened", ErrorCode.MALFORMED_JSON, (Consumer<ObjectNode>) root ->
                    ((ObjectNode) root.get("proof")).set("b", root.get("proof").get("a"))));
            cases.add(Arguments.of(circuit, "input as decimal number", ErrorCode.MALFORMED_JSON, (Consumer<ObjectNode>) root ->
                    ((ArrayNode) root.get("inputs")).set(0, Fixtures.MAPPER.getNodeFactory().numberNode(9))));
            cases.add(Arguments.of(circuit, "input of 65 hex digits", ErrorCode.MALFORMED_JSON, (Consumer<ObjectNode>) root ->
                    ((ArrayNode) root.get("inputs")).set(0, "0x1" + "0".repeat(64))));
            cases.add(Arguments.of(circuit, "input without 0x", ErrorCode.MALFORMED_JSON, (Consumer<ObjectNode>) root ->
                    ((ArrayNode) root.get("inputs")).set(0, "09")));
            cases.add(Arguments.of(circuit, "inputs not an array", ErrorCode.MALFORMED_JSON, (Consumer<ObjectNode>) root ->
                    root.put("inputs", "0x01")));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("invalidProofTampering")
    void refusesInvalidProofWithTypedError(String circuit, String description, ErrorCode code, Consumer<ObjectNode> change) {
        String tampered = Fixtures.edit(Fixtures.proof(circuit), change);
        assertThatThrownBy(() -> verifier(circuit).verifyJson(tampered))
                .isInstanceOfSatisfying(VerificationException.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "[]", "{\"scheme\":", "null", "42"})
    void refusesNonJsonWithTypedError(String text) {
        assertThatThrownBy(() -> verifier("square1").verifyJson(text))
                .isInstanceOfSatisfying(VerificationException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_JSON));
    }

    /**
     * The exported Solidity verifier alone negates C as (x, q − (y mod q)) and would take a y of C
     * written as y + p; the deployed verifier (the IClaimVerifier adapter, ADR 020) refuses every
     * coordinate ≥ p, and so does this one, so a proof has one encoding on chain and here.
     */
    @Test
    void refusesYOfCAtOrAboveP() {
        String shifted = Fixtures.edit(Fixtures.proof("square1"), root ->
                Fixtures.map(root.get("proof").get("c"), 1, v -> v.add(Fixtures.P)));
        assertThatThrownBy(() -> verifier("square1").verifyJson(shifted))
                .isInstanceOfSatisfying(VerificationException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.COORDINATE_OUT_OF_RANGE));
    }

    // ---- tampered keys ---------------------------------------------------------------------

    static Stream<Arguments> keyTampering() {
        List<Arguments> cases = new ArrayList<>();
        for (String circuit : List.of("square1", "linear4")) {
            cases.add(Arguments.of(circuit, "alpha", (Consumer<ObjectNode>) root -> root.set("alpha", g1Json(OTHER_G1))));
            cases.add(Arguments.of(circuit, "beta", (Consumer<ObjectNode>) root -> root.set("beta", g2Json(OTHER_G2))));
            cases.add(Arguments.of(circuit, "gamma", (Consumer<ObjectNode>) root -> root.set("gamma", g2Json(OTHER_G2))));
            cases.add(Arguments.of(circuit, "delta", (Consumer<ObjectNode>) root -> root.set("delta", g2Json(OTHER_G2))));
            int n = Fixtures.tree(Fixtures.key(circuit)).get("gamma_abc").size();
            for (int i = 0; i < n; i++) {
                int index = i;
                cases.add(Arguments.of(circuit, "gamma_abc[" + i + "]", (Consumer<ObjectNode>) root ->
                        ((ArrayNode) root.get("gamma_abc")).set(index, g1Json(OTHER_G1))));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}: {1} replaced by another valid point")
    @MethodSource("keyTampering")
    void rejectsProofAgainstTamperedKey(String circuit, String element, Consumer<ObjectNode> change) {
        Groth16Verifier tampered = Groth16Verifier.fromJson(Fixtures.edit(Fixtures.key(circuit), change));
        assertThat(tampered.verifyJson(Fixtures.proof(circuit))).isFalse();
    }

    static Stream<Arguments> invalidKeys() {
        return Stream.of(
                Arguments.of("beta off curve", ErrorCode.NOT_ON_CURVE, (Consumer<ObjectNode>) root ->
                        Fixtures.map(root.get("beta").get(0), 0, v -> v.add(BigInteger.ONE).mod(Fixtures.P))),
                Arguments.of("gamma outside G2", ErrorCode.NOT_IN_SUBGROUP, (Consumer<ObjectNode>) root ->
                        root.set("gamma", g2Json(twistPointOutsideG2()))),
                Arguments.of("delta coordinate + p", ErrorCode.COORDINATE_OUT_OF_RANGE, (Consumer<ObjectNode>) root ->
                        Fixtures.map(root.get("delta").get(1), 1, v -> v.add(Fixtures.P))),
                Arguments.of("alpha off curve", ErrorCode.NOT_ON_CURVE, (Consumer<ObjectNode>) root ->
                        Fixtures.map(root.get("alpha"), 0, v -> v.add(BigInteger.ONE).mod(Fixtures.P))),
                Arguments.of("gamma_abc[1] off curve", ErrorCode.NOT_ON_CURVE, (Consumer<ObjectNode>) root ->
                        Fixtures.map(root.get("gamma_abc").get(1), 1, v -> v.add(BigInteger.ONE).mod(Fixtures.P))),
                Arguments.of("gamma_abc[0] y + p", ErrorCode.COORDINATE_OUT_OF_RANGE, (Consumer<ObjectNode>) root ->
                        Fixtures.map(root.get("gamma_abc").get(0), 1, v -> v.add(Fixtures.P))),
                Arguments.of("gamma_abc empty", ErrorCode.MALFORMED_JSON, (Consumer<ObjectNode>) root ->
                        root.set("gamma_abc", Fixtures.MAPPER.createArrayNode())),
                Arguments.of("scheme missing", ErrorCode.WRONG_SCHEME, (Consumer<ObjectNode>) root -> root.remove("scheme")),
                Arguments.of("scheme gm17", ErrorCode.WRONG_SCHEME, (Consumer<ObjectNode>) root -> root.put("scheme", "gm17")),
                Arguments.of("curve bls12_381", ErrorCode.WRONG_SCHEME, (Consumer<ObjectNode>) root -> root.put("curve", "bls12_381")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidKeys")
    void refusesInvalidKeyWithTypedError(String description, ErrorCode code, Consumer<ObjectNode> change) {
        String tampered = Fixtures.edit(Fixtures.key("square1"), change);
        assertThatThrownBy(() -> Groth16Verifier.fromJson(tampered))
                .isInstanceOfSatisfying(VerificationException.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    /** A point of the twist found by trying x = 1, 2, …; such points are almost never in G2. */
    static G2Point twistPointOutsideG2() {
        for (long i = 1; ; i++) {
            RefFp2 x = RefFp2.of(BigInteger.valueOf(i), BigInteger.ONE);
            Optional<RefFp2> y = x.square().mul(x).add(RefG2.B).sqrt();
            if (y.isPresent()) {
                G2Point q = G2Point.of(Fp2.of(x.c0(), x.c1()), Fp2.of(y.get().c0(), y.get().c1()));
                if (q.isOnCurve() && !q.isInSubgroup()) {
                    return q;
                }
            }
        }
    }
}
