package io.sensorproof.oracle.audit;

import io.sensorproof.oracle.bundle.ReadingKey;
import java.util.Objects;
import java.util.Optional;

/**
 * One difference the audit found, by reading key where it concerns a reading.
 *
 * @param kind what differs
 * @param key the reading concerned (empty for a root that differs as a whole)
 * @param detail what was expected and what was found
 */
public record AuditFinding(Kind kind, Optional<ReadingKey> key, String detail) {
    /** Stable kinds of difference. */
    public enum Kind {
        /** The raw signed message of an anchored reading is no longer retained. */
        MISSING_RAW_MESSAGE,
        /** No registered key of the device verifies the retained message. */
        BAD_SIGNATURE,
        /** The retained message is not a readable reading message, or has no record at the reading's index. */
        UNREADABLE_MESSAGE,
        /** The leaf the gateway recorded is not the leaf of the signed record. */
        LEAF_MISMATCH,
        /** The stored reading differs from the signed record (quantity, time or value) after anchoring. */
        ALTERED_AFTER_ANCHOR,
        /** The anchored reading is no longer stored. */
        DELETED_AFTER_ANCHOR,
        /** The root of the signed records' leaves is not the root on chain. */
        ROOT_MISMATCH,
        /** A stored reading of the claim's device and quantity inside its window is not in the claim tree. */
        MISSING_FROM_CLAIM,
        /** The registry consulted holds no batch under the batch's id. */
        CHAIN_BATCH_MISSING,
        /** A field of the batch as the chain holds it (root, reading count, times, block) differs from the recorded one. */
        CHAIN_MISMATCH,
        /** The batch's recorded first or last reading time is not that of its signed records. */
        BATCH_TIMES_MISMATCH,
        /**
         * A stored reading of the claim's device and quantity inside its window that is not in the claim
         * tree but was stored after the claim's window was settled (ADR 023): late, not left out.
         */
        LATE_READING,
        /** The registry consulted holds no claim under the claim's id (of its circuit). */
        CHAIN_CLAIM_MISSING,
        /**
         * The claim as the gateway recorded it disagrees with itself or with its signed records: its id is not
         * that of its public inputs, or an input (device, quantity, times, count, totals) is not what its
         * verified readings give.
         */
        CLAIM_MISMATCH
    }

    public AuditFinding {
        Objects.requireNonNull(kind);
        Objects.requireNonNull(key);
        Objects.requireNonNull(detail);
    }

    @Override
    public String toString() {
        return kind + key.map(k -> " " + k).orElse("") + ": " + detail;
    }
}
