package io.sensorproof.gateway.core.rules;

/** What an alert is about; one kind per rule type. */
public enum AlertKind {
    /** Readings outside a range for at least a duration ({@link ThresholdRule}). */
    THRESHOLD,
    /** No reading for longer than allowed ({@link GapRule}). */
    GAP,
    /** The same value repeated ({@link StuckRule}). */
    STUCK,
    /** A value changing faster than physically plausible ({@link RateOfChangeRule}). */
    RATE_OF_CHANGE,
    /** Refusals that prove something about the device ({@link TamperingRule}). */
    TAMPERING
}
