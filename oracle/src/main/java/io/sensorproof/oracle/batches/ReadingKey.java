package io.sensorproof.oracle.batches;

import java.util.Comparator;
import java.util.Objects;

/**
 * The key of one stored reading: record {@code recordIndex} of the message (device, boot, seq). It is
 * the readings table's primary key and what the inclusion-proof API is asked for.
 *
 * @param deviceId device id
 * @param boot boot counter of the message
 * @param seq sequence number of the message within the boot
 * @param recordIndex 0-based index of the record in the message's pack
 */
public record ReadingKey(String deviceId, long boot, long seq, int recordIndex) {
    /** The primary-key order (device id, boot, seq, record index). */
    public static final Comparator<ReadingKey> ORDER = Comparator.comparing(ReadingKey::deviceId)
            .thenComparingLong(ReadingKey::boot).thenComparingLong(ReadingKey::seq)
            .thenComparingInt(ReadingKey::recordIndex);

    public ReadingKey {
        Objects.requireNonNull(deviceId, "deviceId");
    }

    @Override
    public String toString() {
        return deviceId + "/" + boot + "/" + seq + "/" + recordIndex;
    }
}
