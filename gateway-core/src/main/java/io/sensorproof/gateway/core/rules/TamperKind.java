package io.sensorproof.gateway.core.rules;

import io.sensorproof.gateway.core.GatewayReason;
import java.util.Optional;

/**
 * The refusals that prove something about a device, and so count as tamper evidence. A bad
 * signature proves nothing (anyone can publish one on an open broker) and is deliberately not here.
 */
public enum TamperKind {
    /** The device's key signed two different contents under one (boot, seq) (ADR 007). */
    CONFLICTING_DUPLICATE,
    /**
     * A message whose signature verified under a key of the device that had been revoked: the
     * revoked key is in someone's hands.
     */
    REVOKED_KEY;

    /**
     * The evidence kind of an ingest refusal code, if it is one. Only {@code CONFLICTING_DUPLICATE}
     * maps: the gateway refuses a revoked key as {@code DEVICE_INACTIVE}, which also covers a
     * suspended device, so it reports {@link #REVOKED_KEY} itself, only after the signature verified
     * under a key whose revocation it knows.
     */
    public static Optional<TamperKind> forRefusalCode(String reasonCode) {
        return GatewayReason.CONFLICTING_DUPLICATE.name().equals(reasonCode)
                ? Optional.of(CONFLICTING_DUPLICATE) : Optional.empty();
    }
}
