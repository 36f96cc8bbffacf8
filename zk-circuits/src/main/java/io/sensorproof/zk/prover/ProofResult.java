package io.sensorproof.zk.prover;

import io.sensorproof.zk.groth16.Groth16Proof;
import java.time.Duration;
import java.util.Objects;

/**
 * A proof that the Java verifier accepted for the request's public inputs.
 *
 * @param proof the parsed proof
 * @param proofJson the proof in ZoKrates {@code proof.json} form (what the contract's {@code verifyTx} takes)
 * @param witnessTime time zokrates-js spent computing the witness (in the worker)
 * @param proveTime time the prover spent: the Java prover including its R1CS check and self-check, or snarkjs in the worker
 * @param workerPid process id of the worker that computed the witness
 * @param engine the prover that made the proof
 */
public record ProofResult(Groth16Proof proof, String proofJson, Duration witnessTime, Duration proveTime,
        long workerPid, ProverEngine engine) {
    public ProofResult {
        Objects.requireNonNull(proof);
        Objects.requireNonNull(proofJson);
        Objects.requireNonNull(engine);
    }
}
