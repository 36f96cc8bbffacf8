package io.sensorproof.oracle.events;

import java.util.Objects;

/**
 * A block by number and hash: the follower's cursor and its checkpoints. Two refs with the same number
 * and different hashes are two forks' blocks; the hash is lower-case {@code 0x}-hex.
 */
public record BlockRef(long number, String hash) {
    public BlockRef {
        if (number < 0) {
            throw new IllegalArgumentException("block number " + number + " is negative");
        }
        Objects.requireNonNull(hash, "hash");
        hash = hash.toLowerCase(java.util.Locale.ROOT);
    }

    /** True if {@code other} is the same block (number and hash). */
    public boolean sameAs(long otherNumber, String otherHash) {
        return number == otherNumber && otherHash != null && hash.equalsIgnoreCase(otherHash);
    }
}
