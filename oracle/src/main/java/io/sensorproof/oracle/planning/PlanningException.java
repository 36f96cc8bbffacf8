package io.sensorproof.oracle.planning;

import java.util.Objects;
import java.util.Optional;

/**
 * Something that cannot be claimed, refused before any proving with a stable code and, where one
 * reading is to blame, its key. The planners throw it for input that no honest claim can be built
 * from; conditions that only need time (settlement, a run still growing) are plan statuses instead.
 */
public final class PlanningException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Stable reasons. */
    public enum Code {
        /** Terms the contract itself would refuse (lo above hi, maxGap not in (0, 2 × samplingInterval), …). */
        INVALID_TERMS,
        /** A reading of another device or quantity than the plan's. */
        FOREIGN_READING,
        /** Two stored readings of the device and quantity share a time (the store forbids it). */
        DUPLICATE_READING_TIME,
        /** A register reading is lower than the one before it in time. */
        REGISTER_DECREASED,
        /**
         * A claim planned earlier no longer matches the stored readings: a reading arrived inside its
         * window after it was planned, one of its readings is gone, or it is not where the chain continues.
         */
        PRIOR_CLAIM_MISMATCH,
        /** Two runs of one device were offered for one freeze. */
        DUPLICATE_DEVICE,
        /** zk-circuits' witness builder refused the claim (its {@code ClaimException} code is in the message). */
        CLAIM_REFUSED
    }

    private final Code code;
    private final transient ReadingKey reading;

    public PlanningException(Code code, String message) {
        this(code, message, null, null);
    }

    public PlanningException(Code code, String message, ReadingKey reading, Throwable cause) {
        super(code + ": " + message, cause);
        this.code = Objects.requireNonNull(code);
        this.reading = reading;
    }

    public Code code() {
        return code;
    }

    /** The reading to blame, when there is one. */
    public Optional<ReadingKey> reading() {
        return Optional.ofNullable(reading);
    }
}
