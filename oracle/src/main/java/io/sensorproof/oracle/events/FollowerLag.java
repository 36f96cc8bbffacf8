package io.sensorproof.oracle.events;

import java.util.OptionalLong;

/**
 * How far the chain event follower is behind (ADR 038): the last block it applied (its cursor; before its
 * first step, the block before the deployment's) and how many blocks lie between that and the newest
 * block it may read, the head less the confirmations it waits for. A healthy follower is at 0 between
 * two ticks' worth of blocks; a stopped one grows by the chain's block rate. Global: the cursor is one
 * row shared by the replicas.
 *
 * @param processedBlock the last block the follower applied ({@code startBlock - 1} before it applied any)
 * @param blocksBehind confirmed blocks not applied yet (never negative)
 */
public record FollowerLag(long processedBlock, long blocksBehind) {
    public FollowerLag {
        if (blocksBehind < 0) {
            throw new IllegalArgumentException("blocksBehind must not be negative: " + blocksBehind);
        }
    }

    /**
     * @param head the node's newest block
     * @param confirmations blocks the follower waits for (1 = it reads the head itself)
     * @param cursor the follower's cursor, empty before its first step
     * @param startBlock the block the follower starts at (the deployment's)
     */
    public static FollowerLag of(long head, int confirmations, OptionalLong cursor, long startBlock) {
        if (confirmations < 1) {
            throw new IllegalArgumentException("confirmations must be at least 1: " + confirmations);
        }
        long processed = cursor.isPresent() ? cursor.getAsLong() : startBlock - 1;
        long readable = head - (confirmations - 1);
        return new FollowerLag(processed, Math.max(0, readable - processed));
    }
}
