package io.sensorproof.oracle.chain;

import java.util.Objects;

/**
 * A transaction signed once for a job and stored before it is broadcast, so that after any crash
 * the very same bytes (same hash) are sent again instead of a second signature (ADR 022).
 *
 * @param account the sending account, 0x-prefixed lower case
 * @param nonce the account nonce allocated to the job
 * @param raw the signed transaction, 0x-prefixed hex, as {@code eth_sendRawTransaction} takes it
 * @param hash keccak256 of {@code raw}, 0x-prefixed
 */
public record SignedTransaction(String account, long nonce, String raw, String hash) {
    public SignedTransaction {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(raw, "raw");
        Objects.requireNonNull(hash, "hash");
        if (nonce < 0) {
            throw new IllegalArgumentException("nonce must not be negative");
        }
    }
}
