package io.sensorproof.gateway.core.collateral;

/**
 * The outcome of {@link CollateralAlerts#apply(AlertChange)}: the alert's id and new state and the
 * id of the event written for it (the SSE event id; 0 when the change repeated what the alert already
 * said, so no event was written), or {@link #NONE} when the change applied to nothing (an update or
 * resolution with no unresolved alert).
 */
public record AppliedChange(long alertId, AlertState state, long eventId) {
    /** Nothing changed. */
    public static final AppliedChange NONE = new AppliedChange(0, null, 0);

    /** True when an alert changed and an event was written. */
    public boolean changed() {
        return eventId > 0;
    }
}
