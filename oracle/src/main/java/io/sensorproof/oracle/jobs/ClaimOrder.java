package io.sensorproof.oracle.jobs;

import io.sensorproof.oracle.jobs.kinds.EmissionsClaimHandler;
import io.sensorproof.oracle.jobs.kinds.RunClaimHandler;
import java.util.Comparator;
import java.util.Set;

/**
 * The order in which runners claim due jobs (every {@link JobStore} follows it): chain work first, proofs after.
 *
 * <p>A job that still needs a proof (a claim kind in {@code ASSEMBLED}) holds a runner thread for a whole proof,
 * seconds with zokrates-js; every other due job (a freeze, a batch anchor, a device registration, a close or a
 * mint to sign and send, a claim already proven waiting to be sent, a receipt to read) takes milliseconds of the
 * thread and is what a freeze waits for. Oldest due first inside each group. Under a proof backlog, plain
 * oldest-first made the freeze jobs wait behind every claim planned before them, until their evidence was stale
 * (the oracle benchmark of 2026-12-04: 733 run-claim jobs waiting, freezes failing {@code EvidenceStale}). A
 * proof is never starved for long: chain work is short, and a job that keeps failing is put off by its backoff.
 */
public final class ClaimOrder {
    /** Kinds whose {@code ASSEMBLED} jobs are proven before they are sent. */
    public static final Set<String> PROVING_KINDS = Set.of(RunClaimHandler.KIND, EmissionsClaimHandler.KIND);

    /** Claim order of due jobs: no proof needed first, then by next attempt and id. */
    public static final Comparator<Job> ORDER = Comparator.comparing(ClaimOrder::needsProof)
            .thenComparing(Job::nextAttemptAt).thenComparingLong(Job::id);

    private ClaimOrder() {
    }

    /** Whether claiming this job means proving first. */
    public static boolean needsProof(Job job) {
        return job.state() == JobState.ASSEMBLED && PROVING_KINDS.contains(job.kind());
    }
}
