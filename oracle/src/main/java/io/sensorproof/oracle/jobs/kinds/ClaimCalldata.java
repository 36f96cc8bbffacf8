package io.sensorproof.oracle.jobs.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sensorproof.oracle.jobs.JobException;
import io.sensorproof.zk.groth16.Groth16Verifier;
import io.sensorproof.zk.groth16.VerificationException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.web3j.abi.datatypes.generated.StaticArray8;
import org.web3j.abi.datatypes.generated.StaticArray9;
import org.web3j.abi.datatypes.generated.Uint256;

/**
 * A claim proof as the contracts take it, and its check by the Java verifier: shared by every job kind
 * that anchors a claim (run claims, emissions claims).
 *
 * <p>The proof is kept as the prover's {@code proof.json} text ({"proof":{"a","b","c"},"inputs"}), the
 * same text the bundles carry. {@link #proofWords} turns it into the {@code uint256[8]} the registry's
 * {@code anchorRunClaim}/{@code anchorEmissionsClaim} take, in the exported verifier's order
 * (a.x, a.y, b.x[0], b.x[1], b.y[0], b.y[1], c.x, c.y: the JSON's own order, no swap). {@link
 * #selfVerify} checks the text against the verification key committed in zk-circuits, so a job never
 * sends a proof the on-chain verifier (built from the same key) would refuse, and a proof read back
 * from the database after a crash is checked again before it is sent.
 */
public final class ClaimCalldata {
    /** The excursion (run claim) circuit's name in zk-circuits' resources. */
    public static final String EXCURSION = "excursion";
    /** The emissions claim circuit's name in zk-circuits' resources. */
    public static final String EMISSIONS = "emissions";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Groth16Verifier> VERIFIERS = new ConcurrentHashMap<>();

    private ClaimCalldata() {}

    /** The proof's eight words ({@code uint256[8]}) from {@code proof.json} text. */
    public static List<BigInteger> proofWords(String proofJson) {
        JsonNode p = tree(proofJson).path("proof");
        JsonNode b = p.path("b");
        List<JsonNode> words = List.of(p.path("a").path(0), p.path("a").path(1), b.path(0).path(0), b.path(0).path(1),
                b.path(1).path(0), b.path(1).path(1), p.path("c").path(0), p.path("c").path(1));
        List<BigInteger> out = new ArrayList<>(8);
        for (JsonNode w : words) {
            out.add(hex(w));
        }
        return List.copyOf(out);
    }

    /** The proof's public inputs from {@code proof.json} text. */
    public static List<BigInteger> inputs(String proofJson) {
        List<BigInteger> out = new ArrayList<>();
        tree(proofJson).path("inputs").forEach(n -> out.add(hex(n)));
        return List.copyOf(out);
    }

    /** {@code uint256[8]} for the ABI encoder. */
    public static StaticArray8<Uint256> proofArgument(String proofJson) {
        return new StaticArray8<>(Uint256.class, proofWords(proofJson).stream().map(Uint256::new).toList());
    }

    /** {@code uint256[9]} for the ABI encoder (both claim circuits have nine public inputs). */
    public static StaticArray9<Uint256> inputsArgument(List<BigInteger> inputs) {
        if (inputs.size() != 9) {
            throw new JobException(JobException.Code.INVALID_JOB, "a claim has 9 public inputs, not " + inputs.size());
        }
        return new StaticArray9<>(Uint256.class, inputs.stream().map(Uint256::new).toList());
    }

    /**
     * Checks {@code proofJson} with the Java verifier against {@code circuit}'s committed key and that
     * its public inputs are {@code expectedInputs}; throws {@link JobException} {@code SELF_VERIFY_FAILED}
     * naming what is wrong.
     */
    public static void selfVerify(String circuit, String proofJson, List<BigInteger> expectedInputs) {
        List<BigInteger> inputs;
        try {
            inputs = inputs(proofJson);
        } catch (JobException e) {
            throw new JobException(JobException.Code.SELF_VERIFY_FAILED, e.getMessage());
        }
        if (!inputs.equals(expectedInputs)) {
            throw new JobException(JobException.Code.SELF_VERIFY_FAILED,
                    "the proof's public inputs " + inputs + " are not the claim's " + expectedInputs);
        }
        boolean ok;
        try {
            ok = verifier(circuit).verifyJson(proofJson);
        } catch (VerificationException e) {
            throw new JobException(JobException.Code.SELF_VERIFY_FAILED,
                    circuit + " proof is malformed: " + e.getMessage());
        }
        if (!ok) {
            throw new JobException(JobException.Code.SELF_VERIFY_FAILED,
                    "the Java verifier refused the " + circuit + " proof");
        }
    }

    /** The Java verifier of a circuit's committed verification key. */
    public static Groth16Verifier verifier(String circuit) {
        return VERIFIERS.computeIfAbsent(circuit, ClaimCalldata::load);
    }

    private static Groth16Verifier load(String circuit) {
        String resource = "/io/sensorproof/zk/circuits/" + circuit + "/verification.key";
        try (InputStream in = Groth16Verifier.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new JobException(JobException.Code.INVALID_JOB, "no committed verification key for circuit " + circuit);
            }
            return Groth16Verifier.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode tree(String proofJson) {
        try {
            return JSON.readTree(proofJson);
        } catch (IOException e) {
            throw new JobException(JobException.Code.INVALID_JOB, "proof is not JSON: " + e.getMessage());
        }
    }

    private static BigInteger hex(JsonNode n) {
        if (!n.isTextual()) {
            throw new JobException(JobException.Code.INVALID_JOB, "proof word is not a hex string: " + n);
        }
        String s = n.asText();
        try {
            return new BigInteger(s.startsWith("0x") ? s.substring(2) : s, 16);
        } catch (NumberFormatException e) {
            throw new JobException(JobException.Code.INVALID_JOB, "proof word is not hex: " + s);
        }
    }
}
