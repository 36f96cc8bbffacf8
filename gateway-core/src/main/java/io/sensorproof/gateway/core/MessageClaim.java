package io.sensorproof.gateway.core;

import java.util.Objects;
import java.util.Optional;

/**
 * What a refused message said about itself, for logs and operators: the device (from the verified
 * key, else the topic or base name), boot and seq as far as decoding got. Proven only when the
 * refusal is authenticated.
 *
 * @param deviceId the device, if any could be told
 * @param boot the boot counter, or -1 when decoding stopped before it
 * @param seq the sequence number, or -1 when decoding stopped before it
 */
public record MessageClaim(Optional<String> deviceId, long boot, long seq) {
    /** Nothing known. */
    public static final MessageClaim UNKNOWN = new MessageClaim(Optional.empty(), -1, -1);

    public MessageClaim {
        Objects.requireNonNull(deviceId, "deviceId");
    }
}
