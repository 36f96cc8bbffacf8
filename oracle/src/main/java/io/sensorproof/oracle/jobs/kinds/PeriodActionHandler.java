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
 * What the two per-period CarbonCredit actions ({@link ClosePeriodHandler}, {@link MintHandler}) share: a
 * {@code function(facilityId, periodId)} call on the CarbonCredit contract, one job per period keyed
 * {@code <kind>:<facility>:<period>}, and "done" meaning confirmed or refused by the contract because it was
 * done already.
 */
abstract class PeriodActionHandler implements JobHandler {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String kind;
    private final String function;
    private final String carbon;

    PeriodActionHandler(String kind, String function, String carbon) {
        this.kind = kind;
        this.function = function;
        this.carbon = Objects.requireNonNull(carbon, "carbon").toLowerCase(Locale.ROOT);
    }

    static NewJob job(String kind, long facilityId, long periodId) {
        return new NewJob(kind, key(kind, facilityId, periodId), JSON.createObjectNode().put("facilityId", facilityId)
                .put("periodId", periodId).toString());
    }

    static String key(String kind, long facilityId, long periodId) {
        if (facilityId <= 0 || periodId <= 0) {
            throw new JobException(JobException.Code.INVALID_JOB, "facility and period ids count from 1");
        }
        return kind + ":" + facilityId + ":" + periodId;
    }

    static boolean done(Job job, String alreadyDone) {
        return job.state() == JobState.CONFIRMED
                || job.state() == JobState.FAILED && job.failure().orElseThrow().code().equals(alreadyDone);
    }

    @Override
    public final String kind() {
        return kind;
    }

    @Override
    public final ContractCall call(Job job) {
        JsonNode p = CarbonPayloads.read(job, kind);
        Function f = new Function(function, List.of(new Uint256(BigInteger.valueOf(p.path("facilityId").asLong())),
                new Uint256(BigInteger.valueOf(p.path("periodId").asLong()))), List.of());
        return ContractCall.of(carbon, FunctionEncoder.encode(f));
    }

    @Override
    public final String result(Job job, MinedTransaction mined) {
        JsonNode p = CarbonPayloads.read(job, kind);
        return JSON.createObjectNode().put("facilityId", p.path("facilityId").asLong())
                .put("periodId", p.path("periodId").asLong()).put("transaction", mined.hash())
                .put("block", mined.blockNumber()).put("contract", carbon).toString();
    }
}
