package io.sensorproof.oracle.jobs;

import io.sensorproof.oracle.chain.ContractCall;
import io.sensorproof.oracle.chain.MinedTransaction;

/**
 * The steps of one job kind (anchor a batch, register a device, anchor a run claim, freeze, submit an
 * emissions claim, close a period, mint): the runner owns states, retries, signing and receipts; a
 * handler only says how to prove, how to check its own proof, and which contract call to make.
 * Handlers must be deterministic for a given job (a step may run again after a crash) and throw
 * {@link JobException} for a terminal refusal; any other exception is retried with backoff.
 */
public interface JobHandler {
    /** The kind this handler serves. */
    String kind();

    /** Whether jobs of this kind are proved and self-verified before sending; false skips to signing. */
    default boolean needsProof() {
        return false;
    }

    /** Produces the proof artefact (JSON) for {@code ASSEMBLED → PROVED}. */
    default String prove(Job job) {
        throw new JobException(JobException.Code.PROOF_FAILED, kind() + " has no proving step");
    }

    /**
     * Checks the job's own proof ({@link Job#proof()}) with the Java verifier for
     * {@code PROVED → SELF_VERIFIED}; throws {@link JobException} ({@code SELF_VERIFY_FAILED}) to stop it.
     */
    default void selfVerify(Job job) {
        throw new JobException(JobException.Code.SELF_VERIFY_FAILED, kind() + " has no self-verification step");
    }

    /** The contract call that carries the job out (from the payload and, for proved kinds, the proof). */
    ContractCall call(Job job);

    /** The job's result (JSON) from its successful, confirmed transaction. */
    default String result(Job job, MinedTransaction mined) {
        return "{\"transaction\":\"" + mined.hash() + "\",\"block\":" + mined.blockNumber() + "}";
    }
}
