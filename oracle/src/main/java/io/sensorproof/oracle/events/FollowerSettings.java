package io.sensorproof.oracle.events;

/**
 * How the follower reads: a block is read once it has {@code confirmations} confirmations (1 = the head
 * itself), at most {@code maxBlockRange} blocks per {@code eth_getLogs}, from {@code startBlock} (the
 * deployment's block, or 0), and at most {@code maxRewindChecks} known blocks compared after a
 * reorganisation before the follower starts again from the start block.
 */
public record FollowerSettings(int confirmations, int maxBlockRange, long startBlock, int maxRewindChecks) {
    public FollowerSettings {
        if (confirmations < 1) {
            throw new IllegalArgumentException("confirmations must be at least 1");
        }
        if (maxBlockRange < 1) {
            throw new IllegalArgumentException("the block range must be at least 1");
        }
        if (startBlock < 0) {
            throw new IllegalArgumentException("the start block must not be negative");
        }
        if (maxRewindChecks < 1) {
            throw new IllegalArgumentException("maxRewindChecks must be at least 1");
        }
    }
}
