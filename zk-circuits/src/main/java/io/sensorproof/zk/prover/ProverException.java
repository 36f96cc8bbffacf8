package io.sensorproof.zk.prover;

/** A proof request that failed, with a stable code. */
public final class ProverException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Stable reasons. */
    public enum Code {
        /** The bounded request queue is full (back-pressure: retry later). */
        QUEUE_FULL,
        /** The client is closed or closing. */
        SHUT_DOWN,
        /** The circuit is not configured. */
        UNKNOWN_CIRCUIT,
        /** The worker did not answer within the request timeout; it was killed and restarted. */
        TIMEOUT,
        /** The worker process died during the request; it was restarted. */
        WORKER_CRASHED,
        /** A worker process could not be started or did not report ready in time. */
        WORKER_START_FAILED,
        /** The arguments do not satisfy the circuit: the claim is false (or the arguments malformed). */
        WITNESS_FAILED,
        /** The prover (snarkjs in the worker, or the Java prover) failed while proving a witness it accepted. */
        PROVE_FAILED,
        /**
         * Java engine: the worker's witness is unusable — malformed, of another size than the circuit's, or
         * violating a constraint of the circuit's R1CS — and was refused before proving.
         */
        WITNESS_REJECTED,
        /**
         * Java engine: the Java prover's proof failed its own check against the zkey's verification key
         * (a witness the R1CS check let through, or an inconsistent zkey); nothing is returned.
         */
        PROOF_SELF_CHECK_FAILED,
        /** Java engine: a circuit's {@code circuit.zkey} or {@code circuit.r1cs} cannot be read or is invalid (at start). */
        CIRCUIT_LOAD_FAILED,
        /** The worker refused the request as malformed. */
        BAD_REQUEST,
        /** The worker's answer is not a proof the Java verifier accepts. */
        PROOF_REJECTED,
        /** The proof is valid but for other public inputs than the request's. */
        PUBLIC_INPUT_MISMATCH
    }

    private final Code code;

    public ProverException(Code code, String message) {
        this(code, message, null);
    }

    public ProverException(Code code, String message, Throwable cause) {
        super(code + ": " + message, cause);
        this.code = code;
    }

    public Code code() {
        return code;
    }
}
