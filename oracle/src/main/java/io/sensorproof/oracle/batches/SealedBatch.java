package io.sensorproof.oracle.batches;

import java.math.BigInteger;
import java.time.Instant;
import java.util.Objects;

/**
 * A stored commitment batch: what {@code AnchorRegistry.anchorBatch(batchId, root, readingCount,
 * firstTime, lastTime)} takes, and its time window at the gateway.
 *
 * @param batchId the batch's id (also its id on chain)
 * @param root the depth-16 root
 * @param size number of readings
 * @param firstTimeMillis earliest reading time, ms
 * @param lastTimeMillis latest reading time, ms
 * @param windowStart when the earliest of its readings was received
 * @param sealedAt when the batch was sealed
 */
public record SealedBatch(long batchId, BigInteger root, int size, long firstTimeMillis, long lastTimeMillis,
        Instant windowStart, Instant sealedAt) {
    public SealedBatch {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(windowStart, "windowStart");
        Objects.requireNonNull(sealedAt, "sealedAt");
        if (batchId < 0) {
            throw new IllegalArgumentException("batch id must not be negative: " + batchId);
        }
    }

    /** The sealed form of {@code batch} under {@code batchId}. */
    public static SealedBatch of(long batchId, CommitmentBatch batch, Instant sealedAt) {
        return new SealedBatch(batchId, batch.root(), batch.size(), batch.firstTimeMillis(), batch.lastTimeMillis(),
                batch.windowStart(), sealedAt);
    }
}
