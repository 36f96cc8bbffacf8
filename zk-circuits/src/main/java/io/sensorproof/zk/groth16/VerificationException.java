package io.sensorproof.zk.groth16;

/**
 * A key or proof that the exported Solidity verifier would revert on (or that is not even
 * ZoKrates JSON). A well-formed proof that simply fails the pairing check is not an exception:
 * {@link Groth16Verifier#verify} returns false for it.
 */
public final class VerificationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final String element;

    public VerificationException(ErrorCode code, String element, String message) {
        super(code + " at " + element + ": " + message);
        this.code = code;
        this.element = element;
    }

    public VerificationException(ErrorCode code, String element, String message, Throwable cause) {
        super(code + " at " + element + ": " + message, cause);
        this.code = code;
        this.element = element;
    }

    public ErrorCode code() {
        return code;
    }

    /** Which element was refused, as a JSON path such as {@code proof.b} or {@code gamma_abc[2]}. */
    public String element() {
        return element;
    }
}
