package io.sensorproof.protocol.message;

import io.sensorproof.protocol.cose.VerificationKey;
import java.util.Optional;

/** Finds the registered key for a {@code kid}; the gateway backs it with its device registry. */
@FunctionalInterface
public interface KeyResolver {
    /** The key registered under {@code kid}, if any. */
    Optional<VerificationKey> resolve(byte[] kid);
}
