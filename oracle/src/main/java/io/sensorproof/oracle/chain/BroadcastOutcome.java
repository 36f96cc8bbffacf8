package io.sensorproof.oracle.chain;

/**
 * What the node said to a raw transaction. Sending the same signed bytes again is always safe: the
 * node either takes it, already has it, or has mined something at its nonce.
 */
public enum BroadcastOutcome {
    /** The node accepted it into its pool (or mined it at once). */
    ACCEPTED,
    /** The node already had this very transaction ("already known" and its spellings). */
    ALREADY_KNOWN,
    /** The account's nonce has moved past it: mined already (look for the receipt) or taken by another transaction. */
    NONCE_TOO_LOW
}
