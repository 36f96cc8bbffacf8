package io.sensorproof.gateway.oracle;

/**
 * The chain or the prover cannot be used as configured, with a stable code: thrown at start for a
 * configuration that can never work (an external chain without {@code chain.json}), and by the
 * accessors of {@link ChainConnection} and {@link ProverPool} when asked for something that is not
 * there (yet).
 */
public final class OracleSetupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Stable reasons. */
    public enum Code {
        /** No chain: neither {@code sensorproof.chain.rpc-url} nor standalone mode's local chain. */
        CHAIN_NOT_CONFIGURED,
        /** An external chain without its deployment file ({@code chain.json}). */
        DEPLOYMENT_MISSING,
        /** The deployment file cannot be read. */
        DEPLOYMENT_UNREADABLE,
        /** An external chain without the oracle's key file. */
        ORACLE_KEY_MISSING,
        /** The oracle key file is unreadable, not a private key, or readable by others. */
        ORACLE_KEY_INVALID,
        /** The prover is switched off ({@code sensorproof.prover.enabled=false}). */
        PROVER_DISABLED,
        /** The prover workers are still starting (building or loading circuits). */
        PROVER_NOT_READY,
        /** The prover could not start; the message says why. */
        PROVER_FAILED,
        /** The repository (node_modules, zk-circuits/scripts) or the circuits' build was not found. */
        TOOLS_MISSING
    }

    private final Code code;

    public OracleSetupException(Code code, String message) {
        super(code + ": " + message);
        this.code = code;
    }

    public OracleSetupException(Code code, String message, Throwable cause) {
        super(code + ": " + message, cause);
        this.code = code;
    }

    /** The stable reason. */
    public Code code() {
        return code;
    }
}
