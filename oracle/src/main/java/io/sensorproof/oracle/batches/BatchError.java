package io.sensorproof.oracle.batches;

/** Stable codes of {@link BatchException}. */
public enum BatchError {
    /** A stored reading whose leaf inputs are outside the bounds of protocol §7.4 (never expected: ingest checks them). */
    LEAF_OUT_OF_BOUNDS,
    /** More readings than a batch tree has slots, or none. */
    BAD_BATCH_SIZE,
    /** A reading given twice to one batch. */
    DUPLICATE_READING,
    /** Stored tree nodes that do not match the batch's size or root. */
    CORRUPT_TREE,
    /** A batch id that is not known. */
    UNKNOWN_BATCH,
    /** An anchor receipt that contradicts the one recorded for the batch. */
    ANCHOR_CONFLICT
}
