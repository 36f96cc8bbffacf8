package io.sensorproof.zk.claims;

/** A claim that does not hold for the given batch, refused before any proving, with a stable code. */
public final class ClaimException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Stable reasons. */
    public enum Code {
        /** The run does not fit in the batch (it starts too late or before the first leaf). */
        RUN_OUT_OF_BATCH,
        /** The leaves of the run are not all of the claimed device and quantity. */
        NOT_A_RUN,
        /** A reading of the run lies inside [lo, hi]. */
        INSIDE_RANGE,
        /** lo is above hi. */
        EMPTY_RANGE,
        /** More readings than the circuit takes. */
        TOO_MANY_READINGS,
        /** A reading of an emissions batch is not a co2e reading. */
        NOT_AN_EMISSION
    }

    private final Code code;

    public ClaimException(Code code, String message) {
        super(code + ": " + message);
        this.code = code;
    }

    public Code code() {
        return code;
    }
}
