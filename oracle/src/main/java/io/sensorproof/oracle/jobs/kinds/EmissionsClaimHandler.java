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
import io.sensorproof.zk.claims.EmissionsClaimWitness;
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
 * The "anchor emissions claim" job: proves a planned emissions claim (the {@link ClaimProver} port, the
 * gateway's prover pool), checks the proof with the Java verifier against the committed key and the
 * claim's own public inputs ({@link ClaimCalldata#selfVerify}), then sends
 * {@code AnchorRegistry.anchorEmissionsClaim(inputs, proof)}.
 *
 * <p>One job per claim id (idempotency key {@code emissions-claim:<claimId>}). The registry derives a
 * claim's id from its public inputs alone, so its refusal {@code ClaimAlreadyAnchored} means exactly
 * this claim is on chain already (anchored by an earlier run whose record was lost): {@link #anchored}
 * counts that as success, like a confirmed job.
 */
public final class EmissionsClaimHandler implements JobHandler {
    /** The kind's name. */
    public static final String KIND = "emissions-claim";
    /** The failure code of the registry's refusal of a claim it holds already. */
    public static final String ALREADY_ANCHORED = "REVERTED:ClaimAlreadyAnchored";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String registry;
    private final ClaimProver prover;

    /**
     * @param registry the AnchorRegistry's address
     * @param prover makes the proof
     */
    public EmissionsClaimHandler(String registry, ClaimProver prover) {
        this.registry = Objects.requireNonNull(registry, "registry").toLowerCase(Locale.ROOT);
        this.prover = Objects.requireNonNull(prover, "prover");
    }

    /**
     * The job that proves and anchors the claim of {@code request} (the planner's witness request).
     * Payload: the claim id, the circuit's arguments and the public inputs (decimal strings).
     */
    public static NewJob job(ProofRequest request) {
        Objects.requireNonNull(request, "request");
        if (!EmissionsClaimWitness.CIRCUIT.equals(request.circuit())) {
            throw new JobException(JobException.Code.INVALID_JOB, "not an emissions claim request: " + request.circuit());
        }
        String claimId = ClaimIds.of(EmissionsClaimWitness.CIRCUIT, request.publicInputs());
        ObjectNode payload = JSON.createObjectNode().put("claimId", claimId);
        payload.set("arguments", request.arguments());
        ArrayNode inputs = payload.putArray("inputs");
        request.publicInputs().forEach(i -> inputs.add(i.toString()));
        return new NewJob(KIND, key(claimId), payload.toString());
    }

    /** The idempotency key of the job anchoring {@code claimId}. */
    public static String key(String claimId) {
        return KIND + ":" + claimId.toLowerCase(Locale.ROOT);
    }

    /** Whether {@code job}'s claim is on chain: its transaction is confirmed, or the registry already held it. */
    public static boolean anchored(Job job) {
        return job.state() == JobState.CONFIRMED
                || job.state() == JobState.FAILED && job.failure().orElseThrow().code().equals(ALREADY_ANCHORED);
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
        Payload p = payload(job);
        String proof = prover.prove(new ProofRequest(EmissionsClaimWitness.CIRCUIT, p.arguments(), p.inputs()));
        if (proof == null || proof.isBlank()) {
            throw new JobException(JobException.Code.PROOF_FAILED, "the prover returned no proof for claim " + p.claimId());
        }
        return proof;
    }

    @Override
    public void selfVerify(Job job) {
        String proof = job.proof().orElseThrow(() -> new JobException(JobException.Code.SELF_VERIFY_FAILED,
                "job " + job.id() + " has no proof"));
        ClaimCalldata.selfVerify(ClaimCalldata.EMISSIONS, proof, payload(job).inputs());
    }

    @Override
    public ContractCall call(Job job) {
        Payload p = payload(job);
        String proof = job.proof().orElseThrow(() -> new JobException(JobException.Code.INVALID_JOB,
                "job " + job.id() + " has no proof to send"));
        Function f = new Function("anchorEmissionsClaim",
                List.of(ClaimCalldata.inputsArgument(p.inputs()), ClaimCalldata.proofArgument(proof)), List.of());
        return ContractCall.of(registry, FunctionEncoder.encode(f));
    }

    @Override
    public String result(Job job, MinedTransaction mined) {
        return JSON.createObjectNode().put("claimId", payload(job).claimId()).put("transaction", mined.hash())
                .put("block", mined.blockNumber()).put("contract", registry).toString();
    }

    private record Payload(String claimId, JsonNode arguments, List<BigInteger> inputs) {}

    private static Payload payload(Job job) {
        JsonNode p;
        try {
            p = JSON.readTree(job.payload());
        } catch (IOException e) {
            throw new JobException(JobException.Code.INVALID_JOB, "payload is not JSON: " + e.getMessage());
        }
        if (!p.path("claimId").isTextual() || !p.path("arguments").isContainerNode() || !p.path("inputs").isArray()) {
            throw new JobException(JobException.Code.INVALID_JOB, KIND + " payload lacks claimId, arguments or inputs");
        }
        List<BigInteger> inputs = new ArrayList<>();
        for (JsonNode n : p.path("inputs")) {
            try {
                inputs.add(new BigInteger(n.asText()));
            } catch (NumberFormatException e) {
                throw new JobException(JobException.Code.INVALID_JOB, "public input is not a decimal: " + n);
            }
        }
        if (inputs.size() != 9) {
            throw new JobException(JobException.Code.INVALID_JOB, "an emissions claim has 9 public inputs, not " + inputs.size());
        }
        String claimId = p.path("claimId").asText();
        if (!claimId.equalsIgnoreCase(ClaimIds.of(EmissionsClaimWitness.CIRCUIT, inputs))) {
            throw new JobException(JobException.Code.INVALID_JOB, "claim id " + claimId + " is not the id of the payload's inputs");
        }
        return new Payload(claimId, p.path("arguments"), List.copyOf(inputs));
    }
}
