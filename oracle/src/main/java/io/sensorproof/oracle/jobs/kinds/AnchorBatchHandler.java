package io.sensorproof.oracle.jobs.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sensorproof.oracle.batches.AnchorReceipt;
import io.sensorproof.oracle.batches.BatchLedger;
import io.sensorproof.oracle.batches.SealedBatch;
import io.sensorproof.oracle.chain.ContractCall;
import io.sensorproof.oracle.chain.MinedTransaction;
import io.sensorproof.oracle.jobs.Job;
import io.sensorproof.oracle.jobs.JobException;
import io.sensorproof.oracle.jobs.JobHandler;
import io.sensorproof.oracle.jobs.NewJob;
import java.io.IOException;
import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint32;
import org.web3j.abi.datatypes.generated.Uint64;

/**
 * The "anchor batch" job: sends {@code AnchorRegistry.anchorBatch(batchId, root, readingCount,
 * firstTime, lastTime)} for a sealed commitment batch and, once the transaction is confirmed, records
 * the receipt in the {@link BatchLedger} (state ANCHORED), so every reading of the batch can show its
 * anchor transaction. One job per batch id (idempotency key {@code anchor-batch:<id>}); the registry
 * itself refuses a batch id or root anchored twice, so even a job enqueued twice by mistake could not
 * anchor a batch twice.
 */
public final class AnchorBatchHandler implements JobHandler {
    /** The kind's name. */
    public static final String KIND = "anchor-batch";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String registry;
    private final BatchLedger ledger;

    /**
     * @param registry the AnchorRegistry's address
     * @param ledger where the confirmed anchor is recorded
     */
    public AnchorBatchHandler(String registry, BatchLedger ledger) {
        this.registry = Objects.requireNonNull(registry, "registry").toLowerCase(Locale.ROOT);
        this.ledger = Objects.requireNonNull(ledger, "ledger");
    }

    /** The job that anchors {@code batch} (payload: the contract call's arguments). */
    public static NewJob job(SealedBatch batch) {
        String payload = JSON.createObjectNode()
                .put("batchId", batch.batchId())
                .put("root", batch.root().toString())
                .put("readingCount", batch.size())
                .put("firstTime", batch.firstTimeMillis())
                .put("lastTime", batch.lastTimeMillis())
                .toString();
        return new NewJob(KIND, KIND + ":" + batch.batchId(), payload);
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public ContractCall call(Job job) {
        JsonNode p = payload(job);
        Function f = new Function("anchorBatch", List.of(
                new Uint64(p.path("batchId").asLong()),
                new Uint256(new BigInteger(p.path("root").asText())),
                new Uint32(p.path("readingCount").asLong()),
                new Uint64(p.path("firstTime").asLong()),
                new Uint64(p.path("lastTime").asLong())), List.of());
        return ContractCall.of(registry, FunctionEncoder.encode(f));
    }

    @Override
    public String result(Job job, MinedTransaction mined) {
        long batchId = payload(job).path("batchId").asLong();
        ledger.anchored(batchId, new AnchorReceipt(mined.hash().toLowerCase(Locale.ROOT), mined.blockNumber(), registry));
        return JSON.createObjectNode().put("transaction", mined.hash()).put("block", mined.blockNumber())
                .put("contract", registry).toString();
    }

    private static JsonNode payload(Job job) {
        try {
            JsonNode p = JSON.readTree(job.payload());
            if (!p.path("batchId").canConvertToLong() || !p.path("root").isTextual()) {
                throw new JobException(JobException.Code.INVALID_JOB, "anchor-batch payload lacks batchId or root");
            }
            return p;
        } catch (IOException e) {
            throw new JobException(JobException.Code.INVALID_JOB, "payload is not JSON: " + e.getMessage());
        }
    }
}
