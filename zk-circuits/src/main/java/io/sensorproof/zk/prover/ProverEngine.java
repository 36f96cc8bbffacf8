package io.sensorproof.zk.prover;

import java.util.Locale;

/**
 * Which Groth16 prover a {@link ProverClient} uses. Either way the witness is computed by zokrates-js in
 * the Node worker (a false claim fails there with {@code WITNESS_FAILED}) and every proof is checked by
 * the Java verifier before it is returned; both provers read the same snarkjs {@code circuit.zkey}.
 */
public enum ProverEngine {
    /**
     * The default: the worker returns the witness ({@code .wtns}), the JVM checks it against the circuit's
     * R1CS and proves with {@link io.sensorproof.zk.groth16.prover.Groth16Prover} (ADR 045), multi-threaded.
     */
    JAVA,
    /** The fallback: snarkjs {@code groth16.prove} in the Node worker (ADR 044). */
    SNARKJS;

    /** {@code java} or {@code snarkjs}, case-insensitive. */
    public static ProverEngine parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown prover engine \"" + name + "\" (java or snarkjs)", e);
        }
    }
}
