package io.sensorproof.oracle.batches;

import java.util.Objects;

/**
 * Where a batch's root was anchored: the {@code anchorBatch} transaction, its block and the
 * {@code AnchorRegistry} it went to.
 *
 * @param transactionHash 0x-prefixed transaction hash
 * @param blockNumber block of the receipt
 * @param contract 0x-prefixed address of the AnchorRegistry
 */
public record AnchorReceipt(String transactionHash, long blockNumber, String contract) {
    public AnchorReceipt {
        Objects.requireNonNull(transactionHash, "transactionHash");
        Objects.requireNonNull(contract, "contract");
        if (!transactionHash.matches("0x[0-9a-fA-F]{64}")) {
            throw new IllegalArgumentException("transaction hash must be 0x and 64 hex digits: " + transactionHash);
        }
        if (!contract.matches("0x[0-9a-fA-F]{40}")) {
            throw new IllegalArgumentException("contract must be 0x and 40 hex digits: " + contract);
        }
        if (blockNumber < 0) {
            throw new IllegalArgumentException("block number must not be negative: " + blockNumber);
        }
    }
}
