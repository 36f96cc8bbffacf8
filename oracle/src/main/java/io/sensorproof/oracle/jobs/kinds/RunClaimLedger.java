package io.sensorproof.oracle.jobs.kinds;

/**
 * Where a confirmed run-claim anchor is recorded (the gateway's {@code run_claims} table), so the
 * enforcement loop knows which claims of a freeze chain are on chain. Called from the job's result
 * step; it must be idempotent (the step may run again after a crash).
 */
@FunctionalInterface
public interface RunClaimLedger {
    /**
     * Records that claim {@code claimId} is anchored.
     *
     * @param claimId 0x + 64 lowercase hex digits
     * @param transaction the anchoring transaction's hash
     * @param blockNumber the block that mined it
     */
    void anchored(String claimId, String transaction, long blockNumber);
}
