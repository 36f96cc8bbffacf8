package io.sensorproof.oracle.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sensorproof.oracle.chain.ContractCall;
import io.sensorproof.oracle.jobs.Job;
import io.sensorproof.oracle.jobs.JobException;
import io.sensorproof.oracle.jobs.JobHandler;
import io.sensorproof.oracle.jobs.NewJob;
import java.io.IOException;
import java.math.BigInteger;
import java.util.List;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint32;
import org.web3j.abi.datatypes.generated.Uint64;

/**
 * A real, proof-free job kind for the runner's tests: anchor a commitment batch root in
 * {@code AnchorRegistry.anchorBatch}. Payload: {@code {"batchId":…,"root":"<decimal>","readingCount":…,
 * "firstTime":…,"lastTime":…}}.
 */
public final class AnchorBatchJobs implements JobHandler {
    /** The kind's name. */
    public static final String KIND = "anchor-batch";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String registry;

    /** @param registry the AnchorRegistry's address */
    public AnchorBatchJobs(String registry) {
        this.registry = registry;
    }

    /** A job that anchors {@code root} as batch {@code batchId} (key "anchor-batch:&lt;id&gt;"). */
    public static NewJob job(long batchId, BigInteger root) {
        return new NewJob(KIND, KIND + ":" + batchId, "{\"batchId\":" + batchId + ",\"root\":\"" + root
                + "\",\"readingCount\":3,\"firstTime\":1000,\"lastTime\":2000}");
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public ContractCall call(Job job) {
        JsonNode p;
        try {
            p = JSON.readTree(job.payload());
        } catch (IOException e) {
            throw new JobException(JobException.Code.INVALID_JOB, "payload is not JSON: " + e.getMessage());
        }
        Function f = new Function("anchorBatch", List.of(new Uint64(p.path("batchId").asLong()),
                new Uint256(new BigInteger(p.path("root").asText())), new Uint32(p.path("readingCount").asLong()),
                new Uint64(p.path("firstTime").asLong()), new Uint64(p.path("lastTime").asLong())), List.of());
        return ContractCall.of(registry, FunctionEncoder.encode(f));
    }
}
