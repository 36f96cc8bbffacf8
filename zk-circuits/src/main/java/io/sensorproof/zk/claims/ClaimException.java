package io.sensorproof.zk.claims;

import java.util.Objects;

/**
 * A claim that does not hold for the given readings, refused by a witness builder before any
 * proving, with a stable code: one code per condition the claim circuits prove, so a caller can
 * tell a caller-side mistake (a bound, an empty range) from readings that simply do not support
 * the claim.
 */
public final class ClaimException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Stable reasons. */
    public enum Code {
        /** Fewer than two readings: a claim spans at least one gap. */
        TOO_FEW_READINGS,
        /** More readings than the circuit has slots. */
        TOO_MANY_READINGS,
        /** A reading is of another device than the first. */
        OTHER_DEVICE,
        /** A reading is of another quantity than the claim's (the first reading's, or the register). */
        OTHER_QUANTITY,
        /** A reading of a run claim lies inside [lo, hi]. */
        READING_IN_RANGE,
        /** A reading's time is not strictly after its predecessor's (a duplicate or reordered reading). */
        TIME_NOT_INCREASING,
        /** Two neighbouring readings of a run claim are more than maxGap ms apart. */
        GAP_OVER_MAX,
        /** A register reading is lower than its predecessor. */
        REGISTER_DECREASED,
        /** A reading's value is negative or not below 2⁵³. */
        VALUE_OUT_OF_BOUND,
        /** A reading's time is negative or not below 2⁴³ ms. */
        TIME_OUT_OF_BOUND,
        /** boot, seq, record index, quantity or device outside their leaf bounds (protocol §7.4). */
        FIELD_OUT_OF_BOUND,
        /** lo is above hi. */
        LO_ABOVE_HI,
        /** lo, hi (not below 2⁵³) or maxGap (not below 2⁴³) outside the circuit's bounds. */
        PARAMETER_OUT_OF_BOUND
    }

    private final Code code;

    public ClaimException(Code code, String message) {
        super(code + ": " + message);
        this.code = Objects.requireNonNull(code);
    }

    public Code code() {
        return code;
    }
}
