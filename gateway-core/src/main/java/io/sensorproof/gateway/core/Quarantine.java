package io.sensorproof.gateway.core;

/**
 * Port to the quarantine table: refused messages with their reason and raw bytes. A runtime
 * exception means the entry was not kept; the pipeline then defers the message (for an
 * authenticated one it withholds the signed rejection, so the device resends and nothing that the
 * device was told to set aside is missing from the gateway).
 */
@FunctionalInterface
public interface Quarantine {
    /** Keeps {@code entry} durably before returning. */
    void put(QuarantineEntry entry);
}
