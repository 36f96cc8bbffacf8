package io.sensorproof.gateway.core;

import io.sensorproof.protocol.cose.VerificationKey;
import io.sensorproof.protocol.ids.Identifiers;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A device as the registry knows it: who it is and which key speaks for it.
 *
 * @param tenant tenant id
 * @param deviceId device id, unique within the deployment
 * @param key the device's registered public key; its kid is the one the device signs with
 * @param status lifecycle state
 * @param keyRevokedAt when {@code key} was revoked (ADR 010: a key revoked on its own, or with its
 *     device); empty for a key that was never revoked. The pipeline verifies a message under a
 *     revoked key only to tell tamper evidence ({@code REVOKED_KEY}) from a forgery, never to accept it.
 */
public record RegisteredDevice(String tenant, String deviceId, VerificationKey key, DeviceStatus status,
        Optional<Instant> keyRevokedAt) {
    /** A device whose key was never revoked. */
    public RegisteredDevice(String tenant, String deviceId, VerificationKey key, DeviceStatus status) {
        this(tenant, deviceId, key, status, Optional.empty());
    }

    public RegisteredDevice {
        Identifiers.requireValid(tenant, "tenant id");
        Identifiers.requireValid(deviceId, "device id");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(keyRevokedAt, "keyRevokedAt");
    }
}
