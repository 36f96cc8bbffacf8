package io.sensorproof.oracle.chain;

import java.time.Instant;
import java.util.Objects;

/**
 * The newest block a node reports: its number and the timestamp in its header.
 *
 * @param number the block number
 * @param timestamp the block's timestamp
 */
public record ChainHead(long number, Instant timestamp) {
    public ChainHead {
        Objects.requireNonNull(timestamp, "timestamp");
        if (number < 0) {
            throw new IllegalArgumentException("block number must not be negative: " + number);
        }
    }
}
