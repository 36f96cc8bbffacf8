package io.sensorproof.sim;

import java.util.Objects;

/** A failure of the simulator with a stable {@link SimError} code. */
public final class SimException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final SimError code;

    public SimException(SimError code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    public SimException(SimError code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** The stable code. */
    public SimError code() {
        return code;
    }

    @Override
    public String getMessage() {
        return code + ": " + super.getMessage();
    }
}
