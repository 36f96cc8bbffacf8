package io.sensorproof.gateway.core.rules;

/** What happened to an alert. Every event carries the alert's full state after it, so receivers upsert. */
public enum AlertEventType {
    /** A new alert. */
    OPENED,
    /** More evidence, a new last time, a new peak, or changed details of a resolved alert. */
    UPDATED,
    /** The alert ended, or was retracted ({@link ResolutionReason#retraction()}). */
    RESOLVED,
    /**
     * A resolved or retracted alert holds again: late readings closed the gap that had ended its
     * excursion, or restored its episode.
     */
    REOPENED
}
