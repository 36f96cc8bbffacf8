package io.sensorproof.oracle.chain;

/** A deployment the deployer refused or could not complete, with a stable code. */
public final class DeploymentException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Stable reasons. */
    public enum Code {
        /** A well-known development key or address on a chain that is not a local development chain. */
        DEVELOPMENT_KEY_ON_SHARED_CHAIN,
        /** The node's chain id is not the one the plan expects. */
        CHAIN_ID_MISMATCH,
        /** A transaction was mined but reverted, or never mined. */
        TRANSACTION_FAILED,
        /** The compiled contracts (contracts.json) lack a contract the deployment needs. */
        CONTRACT_MISSING,
        /** The node could not be reached or answered with an error. */
        NODE_ERROR,
        /** The plan is inconsistent (no oracle account, zero address...). */
        INVALID_PLAN
    }

    private final Code code;

    public DeploymentException(Code code, String message) {
        super(code + ": " + message);
        this.code = code;
    }

    public DeploymentException(Code code, String message, Throwable cause) {
        super(code + ": " + message, cause);
        this.code = code;
    }

    public Code code() {
        return code;
    }
}
