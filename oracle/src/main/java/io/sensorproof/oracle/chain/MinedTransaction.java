package io.sensorproof.oracle.chain;

import java.math.BigInteger;
import java.util.Objects;

/**
 * A transaction's receipt as the job runner needs it.
 *
 * @param hash the transaction hash
 * @param blockNumber the block that holds it
 * @param blockHash that block's hash (a reorganisation changes it)
 * @param succeeded receipt status 1; false for a transaction mined as a revert
 * @param gasUsed gas used
 */
public record MinedTransaction(String hash, long blockNumber, String blockHash, boolean succeeded, BigInteger gasUsed) {
    public MinedTransaction {
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(blockHash, "blockHash");
        Objects.requireNonNull(gasUsed, "gasUsed");
    }
}
