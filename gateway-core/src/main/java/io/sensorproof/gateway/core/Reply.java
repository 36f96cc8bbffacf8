package io.sensorproof.gateway.core;

import io.sensorproof.protocol.ids.Identifiers;
import java.util.Arrays;
import java.util.Objects;

/**
 * A signed acknowledgement or rejection ready to publish.
 *
 * @param deviceId the device addressed (the registered device, never a topic's claim)
 * @param topic the device's ack topic, {@code t/{tenant}/d/{device}/ack}
 * @param payload the COSE_Sign1 bytes from {@code AcknowledgementCodec.sign}
 */
public record Reply(String deviceId, String topic, byte[] payload) {
    public Reply {
        Identifiers.requireValid(deviceId, "device id");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        payload = payload.clone();
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Reply r && deviceId.equals(r.deviceId) && topic.equals(r.topic) && Arrays.equals(payload, r.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(deviceId, topic, Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
        return "Reply[" + topic + ", " + payload.length + " bytes]";
    }
}
