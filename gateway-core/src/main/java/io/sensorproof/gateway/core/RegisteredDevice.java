package io.sensorproof.gateway.core;

import io.sensorproof.protocol.cose.VerificationKey;
import io.sensorproof.protocol.ids.Identifiers;
import java.util.Objects;

/**
 * A device as the registry knows it: who it is and which key speaks for it.
 *
 * @param tenant tenant id
 * @param deviceId device id, unique within the deployment
 * @param key the device's registered public key; its kid is the one the device signs with
 * @param status lifecycle state
 */
public record RegisteredDevice(String tenant, String deviceId, VerificationKey key, DeviceStatus status) {
    public RegisteredDevice {
        Identifiers.requireValid(tenant, "tenant id");
        Identifiers.requireValid(deviceId, "device id");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(status, "status");
    }
}
