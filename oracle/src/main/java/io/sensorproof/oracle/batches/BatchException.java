package io.sensorproof.oracle.batches;

import java.util.Objects;

/** A refusal of the commitment-batch rules, with a stable {@link BatchError} code. */
public final class BatchException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final BatchError code;

    public BatchException(BatchError code, String message) {
        super(code + ": " + message);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** The stable code. */
    public BatchError code() {
        return code;
    }
}
