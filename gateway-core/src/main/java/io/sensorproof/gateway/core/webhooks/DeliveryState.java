package io.sensorproof.gateway.core.webhooks;

/** Where a delivery is: waiting (due now or later), delivered (a 2xx), or given up. */
public enum DeliveryState {
    PENDING,
    DELIVERED,
    DEAD
}
