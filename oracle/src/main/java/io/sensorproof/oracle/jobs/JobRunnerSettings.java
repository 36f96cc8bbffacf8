package io.sensorproof.oracle.jobs;

import io.sensorproof.protocol.retry.Backoff;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link JobRunner} works.
 *
 * @param owner this replica's lease owner name (unique per running runner)
 * @param workers worker threads that take any due job (chain work first, then proofs)
 * @param chainWorkers further worker threads that take only jobs needing no proof now ({@link ClaimOrder.Scope#CHAIN_WORK}):
 *     anchors, freezes, receipts stay moving while every other worker is proving; 0 for none
 * @param lease how long a claimed job is this runner's; longer than any one step (proving included)
 * @param pollInterval idle wait between claims and between receipt checks
 * @param confirmations blocks (the mining block included) before a job is {@code CONFIRMED}; at least 1
 * @param retry backoff of a job after a transport error or a refusal worth retrying
 * @param maxRefusals how often a node may refuse a job's transaction (or report its nonce used
 *     without a receipt) before the job fails
 * @param reconcileInterval how often the runner compares the stored transactions with the chain
 *     (besides at start)
 */
public record JobRunnerSettings(String owner, int workers, int chainWorkers, Duration lease, Duration pollInterval,
        int confirmations, Backoff retry, int maxRefusals, Duration reconcileInterval) {
    /** Settings without chain workers (every worker takes any job). */
    public JobRunnerSettings(String owner, int workers, Duration lease, Duration pollInterval, int confirmations,
            Backoff retry, int maxRefusals, Duration reconcileInterval) {
        this(owner, workers, 0, lease, pollInterval, confirmations, retry, maxRefusals, reconcileInterval);
    }

    public JobRunnerSettings {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(reconcileInterval, "reconcileInterval");
        if (workers < 1 || confirmations < 1 || maxRefusals < 1) {
            throw new IllegalArgumentException("workers, confirmations and maxRefusals must be at least 1");
        }
        if (chainWorkers < 0) {
            throw new IllegalArgumentException("chainWorkers must not be negative");
        }
        if (lease.compareTo(pollInterval) <= 0) {
            throw new IllegalArgumentException("the lease must be longer than the poll interval");
        }
    }
}
