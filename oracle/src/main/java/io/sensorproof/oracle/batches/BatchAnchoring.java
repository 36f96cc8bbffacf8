package io.sensorproof.oracle.batches;

/**
 * The port "batch sealed → anchor its root": the gateway implements it with the oracle's durable
 * jobs (an "anchor batch" job that sends {@code AnchorRegistry.anchorBatch} and, on the receipt,
 * calls {@link BatchLedger#anchored}). {@link CommitmentBatcher} calls it at least once per sealed
 * batch (again after a crash between the call and its record), so an implementation must be
 * idempotent by {@link SealedBatch#batchId()}; it should only enqueue durable work and return.
 */
@FunctionalInterface
public interface BatchAnchoring {
    /** Asks for {@code batch}'s root to be anchored; a batch id already asked for is ignored. */
    void anchor(SealedBatch batch);
}
