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
     * The evidence kind of an ingest refusal code, if it is one: {@code CONFLICTING_DUPLICATE} and
     * {@code REVOKED_KEY}. The gateway attaches a {@link io.sensorproof.gateway.core.TamperReport}
     * only to refusals that are evidence (a {@code REVOKED_KEY} refusal of a message signed before the
     * revocation is not), so map the report's reason, not every quarantine row's.
     */
    public static Optional<TamperKind> forRefusalCode(String reasonCode) {
        if (GatewayReason.CONFLICTING_DUPLICATE.name().equals(reasonCode)) {
            return Optional.of(CONFLICTING_DUPLICATE);
        }
        return GatewayReason.REVOKED_KEY.name().equals(reasonCode) ? Optional.of(REVOKED_KEY) : Optional.empty();
    }
}
