package io.sensorproof.oracle.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sensorproof.oracle.bundle.Verdict.Reason;
import io.sensorproof.zk.groth16.Groth16Proof;
import io.sensorproof.zk.groth16.Groth16Verifier;
import io.sensorproof.zk.groth16.VerificationException;
import io.sensorproof.zk.groth16.ZokratesJson;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What both bundle checks share: collected reasons and the proof check of one claim. */
abstract class Checks {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    final List<Reason> reasons = new ArrayList<>();
    final List<String> description = new ArrayList<>();

    void fail(String code, String message, String... fields) {
        reasons.add(new Reason(code, List.of(fields), message));
    }

    /**
     * Verifies claim {@code path}'s proof against the pinned key and returns the public inputs it
     * proves: the bundle's {@code inputs} when the proof verifies for them, else the inputs the
     * statement implies when it verifies for those (then the bundle's inputs were altered, each
     * altered one is named), else nothing (the proof itself is named).
     */
    Optional<List<BigInteger>> provenInputs(JsonNode claim, String path, Groth16Verifier verifier,
            List<BigInteger> statementInputs) {
        ObjectNode proofJson = MAPPER.createObjectNode();
        proofJson.put("scheme", "g16");
        proofJson.put("curve", "bn128");
        proofJson.set("proof", Json.object(claim, "proof", path + ".proof"));
        proofJson.set("inputs", Json.array(claim, "inputs", path + ".inputs"));
        Groth16Proof proof;
        try {
            proof = ZokratesJson.parseProof(proofJson.toString());
        } catch (VerificationException e) {
            throw Json.malformed(path + "." + e.element(), e.getMessage());
        }
        try {
            if (verifier.verify(proof)) {
                return Optional.of(proof.inputs());
            }
        } catch (VerificationException e) {
            if (!e.element().startsWith("inputs")) {
                fail("PROOF_INVALID", "the proof is not a valid proof: " + e.getMessage(), path + "." + e.element());
                return Optional.empty();
            }
        }
        Groth16Proof ofStatement = new Groth16Proof(proof.a(), proof.b(), proof.c(), statementInputs);
        boolean statementProven;
        try {
            statementProven = verifier.verify(ofStatement);
        } catch (VerificationException e) {
            statementProven = false;
        }
        if (statementProven) {
            for (int j = 0; j < statementInputs.size(); j++) {
                if (j >= proof.inputs().size() || !proof.inputs().get(j).equals(statementInputs.get(j))) {
                    fail("INPUT_ALTERED", "public input " + j + " is not the one the proof was made for "
                            + "(the proof verifies for the statement's)", path + ".inputs[" + j + "]");
                }
            }
            if (proof.inputs().size() > statementInputs.size()) {
                fail("INPUT_ALTERED", "more public inputs than the circuit has", path + ".inputs");
            }
            return Optional.of(statementInputs);
        }
        fail("PROOF_REJECTED", "the proof does not verify against the pinned key, neither for the bundle's inputs nor "
                + "for the statement's", path + ".proof");
        return Optional.empty();
    }

    /** Names each statement field whose value is not the proven input. */
    void compare(List<BigInteger> proven, List<BigInteger> stated, List<String> fields) {
        for (int j = 0; j < fields.size(); j++) {
            if (!proven.get(j).equals(stated.get(j))) {
                fail("STATEMENT_NOT_PROVEN", "the statement says " + stated.get(j) + ", the proof proves " + proven.get(j),
                        fields.get(j));
            }
        }
    }

    /** The claim id must be the registry's id of the proven inputs. */
    void claimId(JsonNode claim, String path, String circuit, List<BigInteger> proven) {
        String stated = Json.text(claim, "claimId", path + ".claimId");
        String expected = ClaimIds.of(circuit, proven);
        if (!expected.equals(stated)) {
            fail("CLAIM_ID_MISMATCH", "the claim id of the proven inputs is " + expected, path + ".claimId");
        }
    }

    Verdict verdict() {
        return new Verdict(reasons.isEmpty() ? Verdict.Outcome.ACCEPTED : Verdict.Outcome.REJECTED, reasons, description);
    }
}
