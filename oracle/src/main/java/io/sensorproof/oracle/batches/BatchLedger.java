package io.sensorproof.oracle.batches;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where batches and their membership are stored (PostgreSQL in the gateway, {@link InMemoryBatchLedger}
 * in tests). The one rule an implementation must keep: {@link #sealNext} is atomic and exclusive, so a
 * batch is stored with all its members or not at all, and two sealers never take the same readings.
 */
public interface BatchLedger {
    /**
     * In one transaction, with no other sealer running: reads the pending readings (committed, in no
     * batch) in commit order, at most {@code limit}, asks {@code decide} for the batch to seal, and
     * stores it under a new id with one membership per reading.
     *
     * @param limit most pending readings to read (the policy's batch size)
     * @param now the sealing time recorded on the batch
     * @param decide the policy and tree: the batch to seal from the pending readings, or empty
     * @return the sealed batch, empty when {@code decide} sealed nothing
     */
    Optional<SealedBatch> sealNext(int limit, Instant now, Function<List<BatchReading>, Optional<CommitmentBatch>> decide);

    /** Sealed batches whose anchoring has not been asked for yet, oldest first. */
    List<SealedBatch> awaitingAnchorRequest();

    /** Records that {@link BatchAnchoring#anchor} accepted {@code batchId}. */
    void anchorRequested(long batchId);

    /**
     * Records the anchor transaction of {@code batchId} (state ANCHORED). The same transaction again is
     * recorded with its new block (a local chain that lost its last blocks mines the re-broadcast
     * transaction again); another transaction is a conflict.
     *
     * @throws BatchException {@link BatchError#UNKNOWN_BATCH}, or {@link BatchError#ANCHOR_CONFLICT}
     *     for a different receipt than the recorded one
     */
    void anchored(long batchId, AnchorReceipt receipt);
}
