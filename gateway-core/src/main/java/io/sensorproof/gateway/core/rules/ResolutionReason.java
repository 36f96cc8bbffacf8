package io.sensorproof.gateway.core.rules;

/** Why an alert was resolved. The last two are retractions: late readings showed the alert was not one. */
public enum ResolutionReason {
    /** A reading came back inside [lo + hysteresis, hi − hysteresis]. */
    BACK_IN_RANGE,
    /** Two neighbouring readings lay more than maxGap apart: the excursion is no longer continuous. */
    GAP_IN_READINGS,
    /** A reading with another value followed the stuck ones. */
    VALUE_CHANGED,
    /** The next pair of readings changed within the rate limit. */
    RATE_NORMAL,
    /** A reading newer than the silence's start arrived. */
    READINGS_RESUMED,
    /** A whole window passed without tamper evidence. */
    EVIDENCE_QUIET,
    /** The rule that raised the alert was removed or changed. */
    RULE_REMOVED,
    /**
     * Late readings moved the episode's first reading: the same excursion now has another id, named
     * in {@link Resolution#supersededBy()}.
     */
    SUPERSEDED,
    /** Late readings split the episode so that it no longer lasts the minimum duration. */
    WITHDRAWN;

    /** Whether the alert was retracted rather than ended (it does not count as an alert any more). */
    public boolean retraction() {
        return this == SUPERSEDED || this == WITHDRAWN;
    }
}
