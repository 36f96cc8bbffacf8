package io.sensorproof.oracle.audit;

import java.util.Objects;

/**
 * An audit that could not run, with a stable code (a difference in the data is never an exception:
 * it is an {@link AuditFinding}).
 */
public final class AuditException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Stable reasons. */
    public enum Code {
        /** The chain's node did not answer (transport error): {@code audit-batch} exits 3. */
        CHAIN_UNREACHABLE,
        /** The node answered with an error or an answer that is not the registry's. */
        CHAIN_ERROR
    }

    private final Code code;

    public AuditException(Code code, String message, Throwable cause) {
        super(code + ": " + message, cause);
        this.code = Objects.requireNonNull(code);
    }

    public AuditException(Code code, String message) {
        this(code, message, null);
    }

    public Code code() {
        return code;
    }
}
