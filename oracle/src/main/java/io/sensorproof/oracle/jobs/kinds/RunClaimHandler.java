package io.sensorproof.oracle.jobs.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sensorproof.oracle.bundle.ClaimIds;
import io.sensorproof.oracle.chain.ContractCall;
import io.sensorproof.oracle.chain.MinedTransaction;
import io.sensorproof.oracle.jobs.Job;
import io.sensorproof.oracle.jobs.JobException;
import io.sensorproof.oracle.jobs.JobHandler;
import io.sensorproof.oracle.jobs.JobState;
import io.sensorproof.oracle.jobs.NewJob;
import io.sensorproof.zk.claims.ProofRequest;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Function;

/**
 * The "run claim" job: proves one planned run claim ({@link io.sensorproof.oracle.planning.RunChunk})
 * through a {@link ClaimProver}, checks the proof with the Java verifier against the committed
 * excursion key and the claim's own public inputs ({@link ClaimCalldata#selfVerify}), sends
 * {@code AnchorRegistry.anchorRunClaim(inputs, proof)} and, once confirmed, records the anchor in a
 * {@link RunClaimLedger}.
 *
 * <p>One job per claim id (the registry's {@code keccak256(abi.encode(RUN_CLAIM, inputs))}, idempotency
 * key {@code run-claim:<id>}). The payload carries the prover's request (arguments and public inputs), so
 * a job resumed after a crash proves the same statement. The registry accepts the same public inputs
 * once: a claim already anchored (by an earlier gateway life whose job record was lost, or by another
 * oracle) is refused at estimation with {@code ClaimAlreadyAnchored}, nothing is sent, and {@link
 * #anchored(Job)} reads that outcome as anchored (ADR 024).
 */
public final class RunClaimHandler implements JobHandler {
    /** The kind's name. */
    public static final String KIND = "run-claim";
    /** The failure code of a job whose claim was on chain already (nothing sent). */
    public static final String ALREADY_ANCHORED = "REVERTED:ClaimAlreadyAnchored";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String registry;
    private final ClaimProver prover;
    private final RunClaimLedger ledger;

    /**
     * @param registry the AnchorRegistry's address
     * @param prover proves the claim
     * @param ledger records the confirmed anchor
     */
    public RunClaimHandler(String registry, ClaimProver prover, RunClaimLedger ledger) {
        this.registry = Objects.requireNonNull(registry, "registry").toLowerCase(Locale.ROOT);
        this.prover = Objects.requireNonNull(prover, "prover");
        this.ledger = Objects.requireNonNull(ledger, "ledger");
    }

    /**
     * The job that proves and anchors the run claim of {@code request} (an excursion proof request).
     *
     * @throws JobException {@code INVALID_JOB} for another circuit or not nine public inputs
     */
    public static NewJob job(ProofRequest request) {
        if (!ClaimCalldata.EXCURSION.equals(request.circuit())) {
            throw new JobException(JobException.Code.INVALID_JOB, "a run claim is an excursion proof, not " + request.circuit());
        }
        if (request.publicInputs().size() != 9) {
            throw new JobException(JobException.Code.INVALID_JOB, "a run claim has 9 public inputs, not "
                    + request.publicInputs().size());
        }
        String id = claimId(request.publicInputs());
        ObjectNode payload = JSON.createObjectNode().put("claimId", id).put("circuit", request.circuit());
        payload.set("arguments", request.arguments());
        ArrayNode inputs = payload.putArray("publicInputs");
        request.publicInputs().forEach(i -> inputs.add(i.toString()));
        return new NewJob(KIND, KIND + ":" + id, payload.toString());
    }

    /** The registry's id of a run claim with these public inputs (0x + 64 lowercase hex digits). */
    public static String claimId(List<BigInteger> publicInputs) {
        return ClaimIds.of(ClaimCalldata.EXCURSION, publicInputs);
    }

    /**
     * Whether a run-claim job has left its claim anchored: confirmed, or refused at estimation because
     * the registry has the claim already ({@link #ALREADY_ANCHORED}).
     */
    public static boolean anchored(Job job) {
        if (!KIND.equals(job.kind())) {
            throw new IllegalArgumentException("not a " + KIND + " job: " + job.kind());
        }
        return job.state() == JobState.CONFIRMED
                || job.state() == JobState.FAILED && job.failure().map(f -> ALREADY_ANCHORED.equals(f.code())).orElse(false);
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public boolean needsProof() {
        return true;
    }

    @Override
    public String prove(Job job) {
        JsonNode p = payload(job);
        return prover.prove(new ProofRequest(ClaimCalldata.EXCURSION, p.path("arguments"), inputs(p)));
    }

    @Override
    public void selfVerify(Job job) {
        String proof = job.proof().orElseThrow(() -> new JobException(JobException.Code.SELF_VERIFY_FAILED,
                "run-claim job " + job.id() + " has no proof"));
        ClaimCalldata.selfVerify(ClaimCalldata.EXCURSION, proof, inputs(payload(job)));
    }

    @Override
    public ContractCall call(Job job) {
        String proof = job.proof().orElseThrow(() -> new JobException(JobException.Code.INVALID_JOB,
                "run-claim job " + job.id() + " has no proof to send"));
        Function f = new Function("anchorRunClaim", List.of(
                ClaimCalldata.inputsArgument(inputs(payload(job))),
                ClaimCalldata.proofArgument(proof)), List.of());
        return ContractCall.of(registry, FunctionEncoder.encode(f));
    }

    @Override
    public String result(Job job, MinedTransaction mined) {
        String id = payload(job).path("claimId").asText();
        ledger.anchored(id, mined.hash().toLowerCase(Locale.ROOT), mined.blockNumber());
        return JSON.createObjectNode().put("claimId", id).put("transaction", mined.hash())
                .put("block", mined.blockNumber()).put("contract", registry).toString();
    }

    private static List<BigInteger> inputs(JsonNode p) {
        List<BigInteger> out = new ArrayList<>();
        for (JsonNode n : p.path("publicInputs")) {
            out.add(new BigInteger(n.asText()));
        }
        return out;
    }

    private static JsonNode payload(Job job) {
        JsonNode p;
        try {
            p = JSON.readTree(job.payload());
        } catch (IOException e) {
            throw new JobException(JobException.Code.INVALID_JOB, "payload is not JSON: " + e.getMessage());
        }
        if (!p.path("claimId").isTextual() || !p.path("arguments").isObject() && !p.path("arguments").isArray()
                || p.path("publicInputs").size() != 9) {
            throw new JobException(JobException.Code.INVALID_JOB, "run-claim payload lacks claimId, arguments or 9 public inputs");
        }
        List<BigInteger> inputs;
        try {
            inputs = inputs(p);
        } catch (NumberFormatException e) {
            throw new JobException(JobException.Code.INVALID_JOB, "run-claim public input is not a number: " + e.getMessage());
        }
        if (!claimId(inputs).equals(p.path("claimId").asText())) {
            throw new JobException(JobException.Code.INVALID_JOB, "run-claim payload's claim id " + p.path("claimId").asText()
                    + " is not the id of its public inputs");
        }
        return p;
    }
}
