package io.sensorproof.gateway.core;

import java.util.Collection;
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

    /**
     * Loads what the directory knows of these kids ahead of the {@link #byKid(byte[])} calls that
     * follow for them, in as few round trips as it can: the pipeline calls it once per batch, so that
     * a registry behind a network round trip answers a batch with one query instead of one per message
     * (devices sending less often than a cached entry lives miss the cache on every message). It never
     * throws and decides nothing: whatever it could not load, {@link #byKid(byte[])} looks up (and
     * reports failing) as without it. The default has nothing to load ahead: a directory in memory.
     */
    default void prefetch(Collection<byte[]> kids) {
        // nothing behind a round trip
    }
}
