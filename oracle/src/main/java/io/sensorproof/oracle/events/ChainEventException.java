package io.sensorproof.oracle.events;

import java.util.Objects;

/**
 * A failure of the chain-event follower with a stable code: {@link Code#TRANSPORT} and
 * {@link Code#INCONSISTENT} end one step and the next poll tries again; {@link Code#RANGE_TOO_LARGE}
 * makes the follower split the block range; {@link Code#UNDECODABLE} is one log of a known event that
 * does not decode (kept as such, never a crash of the loop).
 */
public final class ChainEventException extends RuntimeException {
    /** Stable codes. */
    public enum Code {
        /** The node could not be reached or answered an error. */
        TRANSPORT,
        /** The node refused {@code eth_getLogs} for a range that is too large (or returns too many logs). */
        RANGE_TOO_LARGE,
        /** The chain changed while a step read it (the range end's hash moved): nothing applied, try again. */
        INCONSISTENT,
        /** A log of one of the contracts' events whose topics or data do not decode as that event. */
        UNDECODABLE
    }

    private final Code code;

    public ChainEventException(Code code, String message, Throwable cause) {
        super(code + ": " + message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    public ChainEventException(Code code, String message) {
        this(code, message, null);
    }

    public Code code() {
        return code;
    }
}
