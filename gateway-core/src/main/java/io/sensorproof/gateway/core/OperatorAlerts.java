package io.sensorproof.gateway.core;

/**
 * Port to operator alerting (alert table, SSE, webhooks). Raised for every conflicting duplicate;
 * deduplicating or rate-limiting repeated alerts is the adapter's job. A runtime exception is
 * counted and does not change the message's outcome.
 */
@FunctionalInterface
public interface OperatorAlerts {
    /** A device signed two contents under one (boot, seq). */
    void conflictingDuplicate(ConflictAlert alert);
}
