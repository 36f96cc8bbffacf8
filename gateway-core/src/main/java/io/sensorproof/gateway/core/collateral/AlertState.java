package io.sensorproof.gateway.core.collateral;

/**
 * Lifecycle of a collateral alert: open, then acknowledged by the lot's bank or factory, then resolved
 * by the rules engine (an alert may also be resolved while still open).
 */
public enum AlertState {
    OPEN,
    ACKNOWLEDGED,
    RESOLVED
}
