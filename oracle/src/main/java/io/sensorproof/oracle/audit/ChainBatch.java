package io.sensorproof.oracle.audit;

import java.math.BigInteger;
import java.util.Objects;

/**
 * A commitment batch as {@code AnchorRegistry.batch(batchId)} returns it: what the audit compares
 * the gateway's record with.
 *
 * @param root the anchored root
 * @param readingCount readings in the batch
 * @param firstTime earliest reading time (ms)
 * @param lastTime latest reading time (ms)
 * @param anchoredAt block timestamp of the anchoring (Unix seconds)
 * @param blockNumber block of the anchoring
 */
public record ChainBatch(BigInteger root, long readingCount, long firstTime, long lastTime, long anchoredAt,
        long blockNumber) {
    public ChainBatch {
        Objects.requireNonNull(root, "root");
    }
}
