package io.sensorproof.oracle.jobs.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sensorproof.oracle.chain.ContractCall;
import io.sensorproof.oracle.chain.MinedTransaction;
import io.sensorproof.oracle.jobs.Job;
import io.sensorproof.oracle.jobs.JobException;
import io.sensorproof.oracle.jobs.JobHandler;
import io.sensorproof.oracle.jobs.JobState;
import io.sensorproof.oracle.jobs.NewJob;
import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Uint256;

/**
 * The "mint" job: {@code CarbonCredit.mint(facilityId, periodId)} mints the period's credits to the facility's owner
 * after the challenge window (block time ≥ closedAt + window) of a closed, not voided period. One job
 * per period (idempotency key {@code mint:<facility>:<period>}), so the oracle sends at most one mint
 * transaction per period; the contract refuses a second mint ({@code AlreadyMinted}).
 */
public final class MintHandler implements JobHandler {
    /** The kind's name. */
    public static final String KIND = "mint";
    /** The failure code of the contract's refusal to do it twice. */
    public static final String ALREADY_DONE = "REVERTED:AlreadyMinted";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String carbon;

    /** @param carbon the CarbonCredit contract's address */
    public MintHandler(String carbon) {
        this.carbon = Objects.requireNonNull(carbon, "carbon").toLowerCase(Locale.ROOT);
    }

    /** The job for period {@code periodId} of facility {@code facilityId}. */
    public static NewJob job(long facilityId, long periodId) {
        return new NewJob(KIND, key(facilityId, periodId), JSON.createObjectNode().put("facilityId", facilityId)
                .put("periodId", periodId).toString());
    }

    /** The idempotency key of the period's job. */
    public static String key(long facilityId, long periodId) {
        if (facilityId <= 0 || periodId <= 0) {
            throw new JobException(JobException.Code.INVALID_JOB, "facility and period ids count from 1");
        }
        return KIND + ":" + facilityId + ":" + periodId;
    }

    /** Whether the job's effect is on chain: confirmed, or refused because it was done already. */
    public static boolean done(Job job) {
        return job.state() == JobState.CONFIRMED
                || job.state() == JobState.FAILED && job.failure().orElseThrow().code().equals(ALREADY_DONE);
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public ContractCall call(Job job) {
        JsonNode p = CarbonPayloads.read(job, KIND);
        Function f = new Function("mint", List.of(new Uint256(BigInteger.valueOf(p.path("facilityId").asLong())),
                new Uint256(BigInteger.valueOf(p.path("periodId").asLong()))), List.of());
        return ContractCall.of(carbon, FunctionEncoder.encode(f));
    }

    @Override
    public String result(Job job, MinedTransaction mined) {
        JsonNode p = CarbonPayloads.read(job, KIND);
        return JSON.createObjectNode().put("facilityId", p.path("facilityId").asLong())
                .put("periodId", p.path("periodId").asLong()).put("transaction", mined.hash())
                .put("block", mined.blockNumber()).put("contract", carbon).toString();
    }
}
