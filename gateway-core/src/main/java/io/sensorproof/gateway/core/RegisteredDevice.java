package io.sensorproof.gateway.core;

import io.sensorproof.protocol.cose.VerificationKey;
import io.sensorproof.protocol.ids.Identifiers;
import io.sensorproof.protocol.message.ReadingMessages;
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
 * @param postQuantumKey for a hybrid device (ADR 029), the ML-DSA key registered in one group with
 *     the classical {@code key} (ES256 or EdDSA): the device must sign every message with both, and
 *     a single-signature message from it is refused ({@code HYBRID_REQUIRED}); empty for any other device
 */
public record RegisteredDevice(String tenant, String deviceId, VerificationKey key, DeviceStatus status,
        Optional<Instant> keyRevokedAt, Optional<VerificationKey> postQuantumKey) {
    /** A device whose key was never revoked. */
    public RegisteredDevice(String tenant, String deviceId, VerificationKey key, DeviceStatus status) {
        this(tenant, deviceId, key, status, Optional.empty());
    }

    /** A device with one key (not hybrid). */
    public RegisteredDevice(String tenant, String deviceId, VerificationKey key, DeviceStatus status, Optional<Instant> keyRevokedAt) {
        this(tenant, deviceId, key, status, keyRevokedAt, Optional.empty());
    }

    public RegisteredDevice {
        Identifiers.requireValid(tenant, "tenant id");
        Identifiers.requireValid(deviceId, "device id");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(keyRevokedAt, "keyRevokedAt");
        Objects.requireNonNull(postQuantumKey, "postQuantumKey");
        if (postQuantumKey.isPresent() && (!postQuantumKey.get().algorithm().isPostQuantum()
                || !ReadingMessages.HYBRID_CLASSICAL.contains(key.algorithm()))) {
            throw new IllegalArgumentException("a hybrid device has an ES256 or EdDSA key and an ML-DSA key, not "
                    + key.algorithm().label() + " and " + postQuantumKey.get().algorithm().label());
        }
    }

    /** Whether the device is registered with a classical and an ML-DSA key and must sign with both (ADR 029). */
    public boolean isHybrid() {
        return postQuantumKey.isPresent();
    }
}
