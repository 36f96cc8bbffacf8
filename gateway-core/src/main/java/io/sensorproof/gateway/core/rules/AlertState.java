package io.sensorproof.gateway.core.rules;

/**
 * Where an alert is in its lifecycle: open → acknowledged → resolved. The engine opens and resolves;
 * acknowledging is a person's action ({@link Alert#acknowledge}).
 */
public enum AlertState {
    /** Raised and not yet acknowledged. */
    OPEN,
    /** A person has seen it; the condition may still hold. */
    ACKNOWLEDGED,
    /** The condition ended (see {@link Resolution}). */
    RESOLVED
}
