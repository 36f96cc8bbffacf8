package io.sensorproof.gateway.registry;

/**
 * Lifecycle of a registered device ({@code devices.status}). Only {@link #ACTIVE} devices get
 * their messages stored. {@link #REVOKED} is final: a revoked key is treated as compromised, so a
 * device that should come back registers again with a new key and id.
 */
public enum DeviceStatus {
    /** Messages are accepted. */
    ACTIVE,
    /** Temporarily refused (maintenance, investigation); can return to {@link #ACTIVE}. */
    SUSPENDED,
    /** Refused for good. */
    REVOKED;

    /** True when a device may move from this status to {@code next}. */
    public boolean canBecome(DeviceStatus next) {
        return this != REVOKED || next == REVOKED;
    }
}
