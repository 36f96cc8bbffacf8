package io.sensorproof.gateway.core;

import io.sensorproof.protocol.ids.Identifiers;
import io.sensorproof.protocol.message.MessageHeader;

/**
 * The identity of a message for ever: (device, boot, seq). Unique in the message store.
 *
 * @param deviceId the device id
 * @param boot the device's boot counter
 * @param seq the sequence number within the boot
 */
public record MessageKey(String deviceId, long boot, long seq) {
    public MessageKey {
        Identifiers.requireValid(deviceId, "device id");
        if (boot < 0 || boot > MessageHeader.MAX_COUNTER || seq < 0 || seq > MessageHeader.MAX_COUNTER) {
            throw new IllegalArgumentException("boot and seq must be in [0, 2^32)");
        }
    }

    @Override
    public String toString() {
        return deviceId + "/" + boot + "/" + seq;
    }
}
