package io.sensorproof.oracle.audit;

import io.sensorproof.oracle.bundle.KeyGroup;
import io.sensorproof.oracle.bundle.ReadingKey;
import java.util.List;
import java.util.Optional;

/**
 * What the audit reads, as ports the gateway implements over its tables ({@code messages.raw},
 * the device registry's key history, {@code readings}); the audit itself is a pure function of
 * their answers ({@link Audit}).
 */
public final class AuditPorts {
    private AuditPorts() {
    }

    /** The raw signed messages kept for anchored data ({@code messages.raw}), exactly as received. */
    @FunctionalInterface
    public interface RetainedMessages {
        /** The message of {@code deviceId} with this (boot, seq), if retained. */
        Optional<byte[]> raw(String deviceId, long boot, long seq);
    }

    /** Device keys as registered (on chain by their key hash, {@link KeyGroup#keyHash()}). */
    @FunctionalInterface
    public interface DeviceKeys {
        /**
         * Every key the device has had (renewals included), each with its ML-DSA partner when the device
         * was hybrid under it (ADR 029): a message is verified with a group as on ingest ({@link KeyGroup#verify}).
         */
        List<KeyGroup> keyGroups(String deviceId);
    }

    /** The gateway's stored readings ({@code readings}). */
    public interface StoredReadings {
        /** The stored reading with this key, if any. */
        Optional<StoredReading> find(ReadingKey key);

        /** Every stored reading of the device and quantity with time in [fromMillis, toMillis]. */
        List<StoredReading> inWindow(String deviceId, int quantity, long fromMillis, long toMillis);
    }

    /**
     * One stored reading as the gateway holds it now.
     *
     * @param key its key
     * @param quantity quantity code (protocol §7.2)
     * @param timeMillis time (ms)
     * @param value fixed-point value
     */
    public record StoredReading(ReadingKey key, int quantity, long timeMillis, long value) {
    }
}
