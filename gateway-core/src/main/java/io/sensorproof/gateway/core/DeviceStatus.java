package io.sensorproof.gateway.core;

/** Lifecycle state of a registered device; only {@link #ACTIVE} devices have messages accepted. */
public enum DeviceStatus {
    /** Messages are accepted. */
    ACTIVE,
    /** Temporarily refused (e.g. by an operator); the device keeps its messages until reactivated. */
    SUSPENDED,
    /** Refused for good; the key is no longer trusted. */
    REVOKED
}
