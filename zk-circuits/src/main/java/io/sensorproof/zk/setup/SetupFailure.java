package io.sensorproof.zk.setup;

/** A typed refusal of the development phase 2; {@link #code()} is stable, the message is for people. */
public final class SetupFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final SetupErrorCode code;

    public SetupFailure(SetupErrorCode code, String message) {
        super(code + ": " + message);
        this.code = code;
    }

    public SetupErrorCode code() {
        return code;
    }
}
