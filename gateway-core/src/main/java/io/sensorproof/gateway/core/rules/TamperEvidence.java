package io.sensorproof.gateway.core.rules;

import java.util.Objects;

/**
 * One piece of tamper evidence about a device, given to {@link RuleEngine#onTamperEvidence}.
 *
 * @param device the device the evidence is about
 * @param kind what it proves
 * @param timeMillis when the gateway received the refused message, ms since the epoch
 * @param reference what a person checks, e.g. {@code boot/seq} of the conflicting message or the
 *     revoked kid; may be empty
 */
public record TamperEvidence(String device, TamperKind kind, long timeMillis, String reference) {
    public TamperEvidence {
        Checks.device(device);
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(reference, "reference");
        if (timeMillis < 0) {
            throw new IllegalArgumentException("time must be >= 0: " + timeMillis);
        }
    }
}
