package io.sensorproof.gateway.core.collateral;

/**
 * The collateral alerts store, fed by the rules engine: each change of an alert is written together
 * with an event (for server-sent events and webhooks) in one transaction, so a reader of the events
 * never misses a change nor sees one that did not commit. Implementations must be idempotent per
 * (lot, device, quantity, rule) as {@link AlertChange} describes.
 */
public interface CollateralAlerts {
    /** Code of a change for a lot or device the store does not know. */
    String UNKNOWN_LOT_DEVICE = "ALERT_UNKNOWN_LOT_DEVICE";

    /**
     * Applies {@code change}; blocks until it is durable.
     *
     * @throws io.sensorproof.gateway.core.lots.LotRefusal {@value #UNKNOWN_LOT_DEVICE} when the lot
     *     does not exist or the device is not one of the lot's (nothing is written)
     */
    AppliedChange apply(AlertChange change);
}
