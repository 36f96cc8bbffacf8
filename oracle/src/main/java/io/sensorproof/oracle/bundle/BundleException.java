package io.sensorproof.oracle.bundle;

import java.util.Objects;

/**
 * A bundle that cannot be built or read, with a stable code and the JSON path of the offending
 * field. Verification outcomes are not exceptions: {@link BundleVerifier} returns a
 * {@link Verdict}; this is thrown by the builders (inconsistent input from the gateway) and by
 * the reader before any check can run.
 */
public final class BundleException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Stable reasons. */
    public enum Code {
        /** Not JSON, or a field missing or of the wrong type or syntax. */
        MALFORMED,
        /** A format or version this code does not read. */
        UNSUPPORTED_VERSION,
        /** The builder's inputs contradict each other (a claim reading without its signed message, ...). */
        INCONSISTENT_INPUT
    }

    private final Code code;
    private final String field;

    public BundleException(Code code, String field, String message) {
        super(code + " at " + field + ": " + message);
        this.code = Objects.requireNonNull(code);
        this.field = Objects.requireNonNull(field);
    }

    public Code code() {
        return code;
    }

    /** JSON path of the field, e.g. {@code claims[0].statement.lo}. */
    public String field() {
        return field;
    }
}
