package io.sensorproof.zk.groth16.prover;

/** A typed refusal of the Java Groth16 prover; {@link #code()} is stable, the message is for people. */
public final class ProverFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ProverErrorCode code;

    public ProverFailure(ProverErrorCode code, String message) {
        super(code + ": " + message);
        this.code = code;
    }

    public ProverFailure(ProverErrorCode code, String message, Throwable cause) {
        super(code + ": " + message, cause);
        this.code = code;
    }

    public ProverErrorCode code() {
        return code;
    }
}
