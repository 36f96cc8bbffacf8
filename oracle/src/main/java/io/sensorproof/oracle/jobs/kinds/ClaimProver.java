package io.sensorproof.oracle.jobs.kinds;

import io.sensorproof.zk.claims.ProofRequest;

/**
 * Proves a claim for a job: the port between the claim job kinds and whatever runs the prover (the
 * gateway's {@code ProverPool}; a test's fixture). It returns the prover's {@code proof.json} text,
 * which the job stores and checks with the Java verifier before anything is sent.
 */
@FunctionalInterface
public interface ClaimProver {
    /**
     * Proves {@code request}.
     *
     * @return the ZoKrates {@code proof.json} text
     * @throws RuntimeException for a failure worth retrying (workers busy, restarting); a
     *     {@link io.sensorproof.oracle.jobs.JobException} for a request that can never be proven
     */
    String prove(ProofRequest request);
}
