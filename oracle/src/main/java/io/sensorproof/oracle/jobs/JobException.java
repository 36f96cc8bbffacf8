package io.sensorproof.oracle.jobs;

import java.util.Objects;

/** A job operation that cannot proceed, with a stable code. */
public final class JobException extends RuntimeException {
    /** Stable codes. */
    public enum Code {
        /** The job's input is unusable (blank key, bad payload). */
        INVALID_JOB,
        /** No handler is registered for the job's kind. */
        UNKNOWN_KIND,
        /** Another runner holds the job now (our lease expired and it was claimed), or its state moved on. */
        LEASE_LOST,
        /** No job with that id. */
        NOT_FOUND,
        /** The proof could not be produced. */
        PROOF_FAILED,
        /** The Java verifier rejected the job's own proof: never sent. */
        SELF_VERIFY_FAILED,
        /** The node refused the job's transaction more often than allowed. */
        REJECTED_BY_NODE,
        /** The job's nonce was used by another transaction: its signed transaction can never be mined. */
        NONCE_TAKEN,
        /** A handler failed in a way it marked as terminal. */
        HANDLER_FAILED
    }

    private final Code code;

    public JobException(Code code, String message) {
        this(code, message, null);
    }

    public JobException(Code code, String message, Throwable cause) {
        super(code + ": " + message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    public Code code() {
        return code;
    }
}
