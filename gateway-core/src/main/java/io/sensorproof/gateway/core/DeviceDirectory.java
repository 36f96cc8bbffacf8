package io.sensorproof.gateway.core;

import java.util.Optional;

/**
 * Port to the device registry: which device a key identifier belongs to. The gateway backs it with
 * its registry (typically cached); suspension and revocation must show up on the next lookup.
 *
 * <p>A runtime exception from {@link #byKid(byte[])} is treated as the registry being unavailable:
 * the message is deferred (nothing stored, nothing sent), not rejected.
 */
@FunctionalInterface
public interface DeviceDirectory {
    /** The device whose key has identifier {@code kid} (16 bytes), if any. */
    Optional<RegisteredDevice> byKid(byte[] kid);
}
