package io.sensorproof.gateway.core.rules;

import java.util.Objects;

/**
 * A rule definition, an alert transition or a stored engine state was refused. {@link #code()} is
 * stable: the gateway's API returns it to the caller and metrics count by it.
 */
public final class RuleException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The stable codes. */
    public enum Code {
        /** A rule id is not 1–64 of {@code a-z 0-9 . _ -} starting with a letter or digit. */
        BAD_RULE_ID,
        /** A device id is not a valid identifier. */
        BAD_DEVICE_ID,
        /** The quantity is missing or not one the protocol knows. */
        UNKNOWN_QUANTITY,
        /** A threshold's lo is above its hi. */
        LO_ABOVE_HI,
        /** A fixed-point bound lies outside [0, 2^53). */
        VALUE_OUT_OF_BOUNDS,
        /** A duration is missing or negative. */
        NEGATIVE_DURATION,
        /** A duration that must be positive (maxGap, maxSilence, window, per) is zero. */
        ZERO_DURATION,
        /** The hysteresis is negative or leaves no back-in-range band: lo + h > hi − h. */
        BAD_HYSTERESIS,
        /** A count (stuck readings, tamper threshold) is below its minimum. */
        BAD_COUNT,
        /** A rate-of-change limit is not positive. */
        BAD_LIMIT,
        /** A tampering rule counts no evidence kind. */
        NO_TAMPER_KINDS,
        /** Two rules of one device share an id. */
        DUPLICATE_RULE_ID,
        /** Acknowledging an alert that is already acknowledged. */
        ALERT_ALREADY_ACKNOWLEDGED,
        /** Acknowledging or resolving an alert that is already resolved. */
        ALERT_ALREADY_RESOLVED,
        /** Merging the engine's view of one alert into the stored copy of another. */
        ALERT_ID_MISMATCH,
        /** Stored engine state cannot be read (truncated, corrupt, or another format version). */
        BAD_SNAPSHOT
    }

    private final Code code;

    /**
     * @param code the stable code
     * @param message what was wrong, for a person
     */
    public RuleException(Code code, String message) {
        super(code + ": " + message);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** The stable code. */
    public Code code() {
        return code;
    }
}
