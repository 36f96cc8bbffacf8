package io.sensorproof.oracle.jobs;

import io.sensorproof.oracle.chain.SignedTransaction;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One durable on-chain action: its kind and JSON payload, where it is in the state machine, how
 * often a step was retried and when it is next due, and — once signed — the transaction that is
 * its only transaction ever (ADR 022), with the block that mined it.
 *
 * @param id the store's id
 * @param kind selects the {@link JobHandler}
 * @param idempotencyKey unique per action
 * @param payload the kind's input (JSON)
 * @param state the current state
 * @param attempts retries so far (transport errors, refusals)
 * @param nextAttemptAt when the job is due again
 * @param proof the proof artefact (JSON) once {@code PROVED}
 * @param transaction the signed transaction once {@code SUBMITTED}
 * @param blockNumber the block that mined it, once seen
 * @param blockHash that block's hash
 * @param confirmations confirmations counted when last seen
 * @param result the kind's result (JSON) once {@code CONFIRMED}
 * @param failure why it failed, once {@code FAILED}
 * @param lastError the last retried error, for operators
 * @param createdAt enqueued at
 * @param updatedAt last change
 */
public record Job(long id, String kind, String idempotencyKey, String payload, JobState state, int attempts,
        Instant nextAttemptAt, Optional<String> proof, Optional<SignedTransaction> transaction, OptionalLong blockNumber,
        Optional<String> blockHash, int confirmations, Optional<String> result, Optional<JobFailure> failure,
        Optional<String> lastError, Instant createdAt, Instant updatedAt) {
    public Job {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(nextAttemptAt, "nextAttemptAt");
        Objects.requireNonNull(proof, "proof");
        Objects.requireNonNull(transaction, "transaction");
        Objects.requireNonNull(blockNumber, "blockNumber");
        Objects.requireNonNull(blockHash, "blockHash");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(failure, "failure");
        Objects.requireNonNull(lastError, "lastError");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }
}
