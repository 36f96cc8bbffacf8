package io.sensorproof.gateway.core;

import java.time.Instant;
import java.util.Objects;

/**
 * A device signed two different contents under one (boot, seq). Protocol-conforming devices never
 * do that, so it means a lost or restored boot counter, a firmware bug, or a leaked key.
 *
 * @param tenant the device's tenant
 * @param key (device, boot, seq)
 * @param storedDigest the content that is stored and stays
 * @param receivedDigest the conflicting content, now in quarantine
 * @param sourceConnectionId the connection that delivered the conflicting message
 * @param receivedAt when it arrived
 */
public record ConflictAlert(String tenant, MessageKey key, ContentDigest storedDigest, ContentDigest receivedDigest,
        String sourceConnectionId, Instant receivedAt) {
    public ConflictAlert {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(storedDigest, "storedDigest");
        Objects.requireNonNull(receivedDigest, "receivedDigest");
        Objects.requireNonNull(sourceConnectionId, "sourceConnectionId");
        Objects.requireNonNull(receivedAt, "receivedAt");
    }
}
