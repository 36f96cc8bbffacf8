package io.sensorproof.oracle.jobs;

import java.util.Objects;

/**
 * Why a job failed for good.
 *
 * @param code a stable code: a {@link JobException.Code} name, or {@code REVERTED:<ErrorName>} for
 *     a contract's refusal (e.g. {@code REVERTED:BatchAlreadyAnchored})
 * @param message details for a person
 */
public record JobFailure(String code, String message) {
    public JobFailure {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }
}
