package io.sensorproof.oracle.jobs;

/**
 * Where a job is. {@code ASSEMBLED → PROVED → SELF_VERIFIED → SUBMITTED → CONFIRMED}; a kind that
 * needs no proof goes from {@code ASSEMBLED} straight to {@code SUBMITTED}; any step may end in
 * {@code FAILED} with a reason. {@code SUBMITTED} means the signed transaction is stored (it may
 * or may not have reached the node yet: sending it again is always safe).
 */
public enum JobState {
    ASSEMBLED, PROVED, SELF_VERIFIED, SUBMITTED, CONFIRMED, FAILED;

    /** Whether the job is finished (never claimed again; only a chain reconciliation reopens it). */
    public boolean terminal() {
        return this == CONFIRMED || this == FAILED;
    }
}
