package io.sensorproof.oracle.bundle;

import java.util.Objects;

/**
 * Where a transaction of a bundle is on chain: its hash, block number and block time (Unix
 * seconds). Offline, these are pointers a reader follows on the chain; {@code verify-claim} checks
 * only the freeze's block time against the terms (evidence age).
 *
 * @param transaction transaction hash, 0x + 64 hex digits
 * @param block block number
 * @param blockTime block timestamp, Unix seconds
 */
public record ChainRef(String transaction, long block, long blockTime) {
    public ChainRef {
        Objects.requireNonNull(transaction, "transaction");
        if (!transaction.matches("0x[0-9a-f]{64}") || block < 0 || blockTime < 0) {
            throw new IllegalArgumentException("a transaction hash is 0x + 64 lowercase hex digits, block and time >= 0");
        }
    }
}
