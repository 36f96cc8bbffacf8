package io.sensorproof.oracle.jobs;

import java.util.Objects;

/**
 * A job to enqueue. The idempotency key names the on-chain action ("anchor-batch:17",
 * "freeze:42:alert-9"): enqueueing the same key again returns the existing job, so the action is
 * taken once however often its cause is seen.
 *
 * @param kind the job kind, which selects the {@link JobHandler}
 * @param idempotencyKey unique per action
 * @param payload the kind's input, a JSON document
 */
public record NewJob(String kind, String idempotencyKey, String payload) {
    public NewJob {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(idempotencyKey, "idempotencyKey");
        Objects.requireNonNull(payload, "payload");
        if (kind.isBlank() || idempotencyKey.isBlank()) {
            throw new JobException(JobException.Code.INVALID_JOB, "kind and idempotency key must not be blank");
        }
        if (idempotencyKey.length() > 200) {
            throw new JobException(JobException.Code.INVALID_JOB, "idempotency key longer than 200 characters");
        }
    }
}
