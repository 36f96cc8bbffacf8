package io.sensorproof.zk.prover;

import io.sensorproof.zk.groth16.Groth16Proof;
import java.time.Duration;
import java.util.Objects;

/**
 * A proof that the Java verifier accepted for the request's public inputs.
 *
 * @param proof the parsed proof
 * @param proofJson the worker's {@code proof.json} text (what the contract's {@code verifyTx} takes)
 * @param witnessTime time zokrates-js spent computing the witness
 * @param proveTime time zokrates-js spent proving
 * @param workerPid process id of the worker that proved it
 */
public record ProofResult(Groth16Proof proof, String proofJson, Duration witnessTime, Duration proveTime,
        long workerPid) {
    public ProofResult {
        Objects.requireNonNull(proof);
        Objects.requireNonNull(proofJson);
    }
}
