package io.sensorproof.oracle.jobs.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sensorproof.oracle.chain.ContractCall;
import io.sensorproof.oracle.chain.MinedTransaction;
import io.sensorproof.oracle.jobs.Job;
import io.sensorproof.oracle.jobs.JobException;
import io.sensorproof.oracle.jobs.JobHandler;
import io.sensorproof.oracle.jobs.NewJob;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.DynamicStruct;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint8;

/**
 * The "freeze" job: {@code CollateralFinancing.freeze(id, quantity, runs)}, each run the claim ids of
 * one device's chain of anchored run claims in chain order (docs/contracts.md "Freeze"). The caller
 * enqueues it only once every claim it names is anchored; a refusal (e.g. {@code EvidenceStale},
 * {@code FacilityFrozen}) ends the job FAILED with the decoded reason, at estimation with nothing sent
 * or, if the chain changed in between, as a mined revert replayed for its reason (JobRunner).
 *
 * <p>Idempotency key {@code freeze:<facility>:<quantity>:<digest>}, the digest over the first claim id of
 * every run: a run's first claim starts at the run's first reading, so the key names "this excursion of
 * these devices" and stays the same however often the enforcement loop sees it, also when a later
 * look would end a chain one claim later (ADR 024).
 */
public final class FreezeHandler implements JobHandler {
    /** The kind's name. */
    public static final String KIND = "freeze";
    private static final String ATTEMPT = ":attempt-";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String financing;

    /** @param financing the CollateralFinancing contract's address */
    public FreezeHandler(String financing) {
        this.financing = Objects.requireNonNull(financing, "financing").toLowerCase(Locale.ROOT);
    }

    /**
     * The job that freezes facility {@code facilityId} for {@code quantity} with {@code runs}.
     *
     * @param runs per device, its claim ids (0x + 64 hex digits) in chain order
     * @throws JobException {@code INVALID_JOB} for no runs, an empty run, a malformed claim id, a
     *     quantity outside 0…255 or a facility id below 1
     */
    public static NewJob job(BigInteger facilityId, int quantity, List<List<String>> runs) {
        Objects.requireNonNull(facilityId, "facilityId");
        Objects.requireNonNull(runs, "runs");
        if (facilityId.signum() <= 0) {
            throw new JobException(JobException.Code.INVALID_JOB, "facility id must be positive: " + facilityId);
        }
        if (quantity < 0 || quantity > 255) {
            throw new JobException(JobException.Code.INVALID_JOB, "quantity " + quantity + " is not a uint8");
        }
        if (runs.isEmpty()) {
            throw new JobException(JobException.Code.INVALID_JOB, "a freeze names at least one run");
        }
        ObjectNode payload = JSON.createObjectNode().put("facilityId", facilityId.toString()).put("quantity", quantity);
        ArrayNode runsNode = payload.putArray("runs");
        StringBuilder firsts = new StringBuilder();
        for (List<String> run : runs) {
            if (run.isEmpty()) {
                throw new JobException(JobException.Code.INVALID_JOB, "a run names at least one claim");
            }
            ArrayNode r = runsNode.addArray();
            for (String id : run) {
                String lower = id.toLowerCase(Locale.ROOT);
                if (!lower.matches("0x[0-9a-f]{64}")) {
                    throw new JobException(JobException.Code.INVALID_JOB, "not a claim id: " + id);
                }
                r.add(lower);
            }
            firsts.append(run.get(0).toLowerCase(Locale.ROOT)).append(',');
        }
        String key = KIND + ":" + facilityId + ":" + quantity + ":" + digest(firsts.toString());
        return new NewJob(KIND, key, payload.toString());
    }

    /**
     * The {@code attempt}-th job that freezes facility {@code facilityId} for {@code quantity} with {@code runs}
     * (ADR 035): attempt 1 is {@link #job(BigInteger, int, List)}; a later one, sent after a refusal that may
     * clear, has the same payload and the key {@code <key>:attempt-<n>}, so it is a new job, signed anew.
     *
     * @throws JobException {@code INVALID_JOB} as {@link #job(BigInteger, int, List)}, or for an attempt below 1
     */
    public static NewJob job(BigInteger facilityId, int quantity, List<List<String>> runs, int attempt) {
        if (attempt < 1) {
            throw new JobException(JobException.Code.INVALID_JOB, "attempts count from 1: " + attempt);
        }
        NewJob first = job(facilityId, quantity, runs);
        return attempt == 1 ? first : new NewJob(KIND, first.idempotencyKey() + ATTEMPT + attempt, first.payload());
    }

    /** The attempt a freeze job key names: 1 without the {@code :attempt-<n>} suffix. */
    public static int attemptOf(String idempotencyKey) {
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        int at = idempotencyKey.lastIndexOf(ATTEMPT);
        if (at < 0) {
            return 1;
        }
        try {
            int n = Integer.parseInt(idempotencyKey.substring(at + ATTEMPT.length()));
            if (n < 2) {
                throw new JobException(JobException.Code.INVALID_JOB, "not a freeze attempt key: " + idempotencyKey);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new JobException(JobException.Code.INVALID_JOB, "not a freeze attempt key: " + idempotencyKey);
        }
    }

    /** The key of the first attempt of the job with {@code idempotencyKey}. */
    public static String firstAttemptKey(String idempotencyKey) {
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        int at = idempotencyKey.lastIndexOf(ATTEMPT);
        return at < 0 ? idempotencyKey : idempotencyKey.substring(0, at);
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public ContractCall call(Job job) {
        JsonNode p = payload(job);
        List<DynamicStruct> runs = new ArrayList<>();
        for (JsonNode run : p.path("runs")) {
            List<Bytes32> ids = new ArrayList<>();
            for (JsonNode id : run) {
                ids.add(new Bytes32(HexFormat.of().parseHex(id.asText().substring(2))));
            }
            runs.add(new DynamicStruct(new DynamicArray<>(Bytes32.class, ids)));
        }
        Function f = new Function("freeze", List.of(
                new Uint256(new BigInteger(p.path("facilityId").asText())),
                new Uint8(p.path("quantity").asInt()),
                new DynamicArray<>(DynamicStruct.class, runs)), List.of());
        return ContractCall.of(financing, FunctionEncoder.encode(f));
    }

    @Override
    public String result(Job job, MinedTransaction mined) {
        JsonNode p = payload(job);
        return JSON.createObjectNode().put("facilityId", p.path("facilityId").asText()).put("transaction", mined.hash())
                .put("block", mined.blockNumber()).put("contract", financing).toString();
    }

    private static String digest(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode payload(Job job) {
        try {
            JsonNode p = JSON.readTree(job.payload());
            if (!p.path("facilityId").isTextual() || !p.path("quantity").canConvertToInt() || p.path("runs").isEmpty()) {
                throw new JobException(JobException.Code.INVALID_JOB, "freeze payload lacks facilityId, quantity or runs");
            }
            return p;
        } catch (IOException e) {
            throw new JobException(JobException.Code.INVALID_JOB, "payload is not JSON: " + e.getMessage());
        }
    }
}
