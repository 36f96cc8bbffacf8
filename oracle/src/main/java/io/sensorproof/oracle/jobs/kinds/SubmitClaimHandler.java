package io.sensorproof.oracle.jobs.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sensorproof.oracle.chain.ContractCall;
import io.sensorproof.oracle.chain.MinedTransaction;
import io.sensorproof.oracle.jobs.Job;
import io.sensorproof.oracle.jobs.JobException;
import io.sensorproof.oracle.jobs.JobHandler;
import io.sensorproof.oracle.jobs.NewJob;
import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.utils.Numeric;

/**
 * The "submit emissions claim" job: {@code CarbonCredit.submitClaim(facilityId, periodId, claimId)}
 * counts an anchored emissions claim in its period. The contract checks the device's chain
 * continuity, so the caller enqueues a device's submissions one at a time in chain order, each only
 * after its claim's anchor job is {@link EmissionsClaimHandler#anchored anchored} and the device's
 * previous submission is confirmed. One job per (facility, period, claim): idempotency key
 * {@code submit-claim:<facility>:<period>:<claimId>}; the contract refuses a claim counted twice
 * ({@code ClaimAlreadyUsed}).
 */
public final class SubmitClaimHandler implements JobHandler {
    /** The kind's name. */
    public static final String KIND = "submit-claim";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CLAIM_ID = Pattern.compile("0x[0-9a-fA-F]{64}");

    private final String carbon;

    /** @param carbon the CarbonCredit contract's address */
    public SubmitClaimHandler(String carbon) {
        this.carbon = Objects.requireNonNull(carbon, "carbon").toLowerCase(Locale.ROOT);
    }

    /** The job that submits {@code claimId} to period {@code periodId} of facility {@code facilityId}. */
    public static NewJob job(long facilityId, long periodId, String claimId) {
        if (facilityId <= 0 || periodId <= 0) {
            throw new JobException(JobException.Code.INVALID_JOB, "facility and period ids count from 1");
        }
        if (!CLAIM_ID.matcher(claimId).matches()) {
            throw new JobException(JobException.Code.INVALID_JOB, "claim id is not 0x + 64 hex digits: " + claimId);
        }
        String id = claimId.toLowerCase(Locale.ROOT);
        String payload = JSON.createObjectNode().put("facilityId", facilityId).put("periodId", periodId)
                .put("claimId", id).toString();
        return new NewJob(KIND, KIND + ":" + facilityId + ":" + periodId + ":" + id, payload);
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public ContractCall call(Job job) {
        JsonNode p = CarbonPayloads.read(job, KIND, "claimId");
        String claimId = p.path("claimId").asText();
        if (!CLAIM_ID.matcher(claimId).matches()) {
            throw new JobException(JobException.Code.INVALID_JOB, "claim id is not 0x + 64 hex digits: " + claimId);
        }
        Function f = new Function("submitClaim", List.of(
                new Uint256(BigInteger.valueOf(p.path("facilityId").asLong())),
                new Uint256(BigInteger.valueOf(p.path("periodId").asLong())),
                new Bytes32(Numeric.hexStringToByteArray(claimId))), List.of());
        return ContractCall.of(carbon, FunctionEncoder.encode(f));
    }

    @Override
    public String result(Job job, MinedTransaction mined) {
        JsonNode p = CarbonPayloads.read(job, KIND, "claimId");
        return JSON.createObjectNode().put("claimId", p.path("claimId").asText()).put("transaction", mined.hash())
                .put("block", mined.blockNumber()).put("contract", carbon).toString();
    }
}
