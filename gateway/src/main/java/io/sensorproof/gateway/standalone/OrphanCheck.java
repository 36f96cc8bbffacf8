package io.sensorproof.gateway.standalone;

import java.util.OptionalLong;

/**
 * What the launcher found in the data directory before starting PostgreSQL.
 *
 * @param outcome what was found and done
 * @param pid the pid named in {@code postmaster.pid}, when there was one
 * @param detail one sentence for the log
 */
public record OrphanCheck(Outcome outcome, OptionalLong pid, String detail) {

    /** The possible findings. */
    public enum Outcome {
        /** No cluster yet: initdb will create one. */
        NEW_CLUSTER,
        /** A cluster and no {@code postmaster.pid}: the last server stopped cleanly. */
        CLEAN,
        /** A {@code postmaster.pid} whose process is gone or is not PostgreSQL for this directory; removed. */
        STALE_PID_FILE_REMOVED,
        /** An orphaned postmaster for this directory was running and stopped with SIGTERM (smart shutdown). */
        ORPHAN_STOPPED_TERM,
        /** An orphaned postmaster ignored SIGTERM and stopped with SIGINT (fast shutdown). */
        ORPHAN_STOPPED_INT,
        /** An orphaned postmaster had to be killed (SIGKILL); PostgreSQL recovers from its WAL on start. */
        ORPHAN_KILLED,
        /** A healthy orphaned postmaster for this directory was adopted and keeps running (ADR 040). */
        ADOPTED
    }

    /** True when a running orphan was found and stopped. */
    public boolean orphanStopped() {
        return outcome == Outcome.ORPHAN_STOPPED_TERM || outcome == Outcome.ORPHAN_STOPPED_INT
                || outcome == Outcome.ORPHAN_KILLED;
    }
}
