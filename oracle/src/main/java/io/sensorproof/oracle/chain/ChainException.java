package io.sensorproof.oracle.chain;

import java.util.Objects;
import java.util.Optional;

/**
 * A chain call that did not give an answer the caller can use, with a stable code that says whether
 * trying again can help: {@link Code#TRANSPORT} is retried with backoff (the job waits in its
 * state); {@link Code#REVERTED} is terminal and carries the decoded revert; {@link Code#REJECTED}
 * is a node's refusal of a transaction that is neither of the benign ones ({@link BroadcastOutcome}).
 */
public final class ChainException extends RuntimeException {
    /** Stable codes. */
    public enum Code {
        /** The node could not be reached or answered with a server error or timed out. */
        TRANSPORT,
        /** The contract refused the call (at estimation or in a mined transaction). */
        REVERTED,
        /** The node refused a transaction (e.g. insufficient funds, fee too low). */
        REJECTED,
        /** The node answered something that makes no sense for the request. */
        NODE_ERROR
    }

    private final Code code;
    private final transient ChainRevert revert;

    public ChainException(Code code, String message, Throwable cause) {
        super(code + ": " + message, cause);
        this.code = Objects.requireNonNull(code, "code");
        this.revert = null;
    }

    public ChainException(Code code, String message) {
        this(code, message, (Throwable) null);
    }

    /** A revert, decoded. */
    public ChainException(ChainRevert revert, String message) {
        super(Code.REVERTED + ": " + message + ": " + revert, null);
        this.code = Code.REVERTED;
        this.revert = Objects.requireNonNull(revert, "revert");
    }

    public Code code() {
        return code;
    }

    /** The decoded revert of a {@link Code#REVERTED} failure. */
    public Optional<ChainRevert> revert() {
        return Optional.ofNullable(revert);
    }
}
