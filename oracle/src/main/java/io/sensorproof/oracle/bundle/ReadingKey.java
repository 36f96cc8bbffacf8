package io.sensorproof.oracle.bundle;

import java.util.Comparator;
import java.util.Objects;

/**
 * The key of one stored reading (the gateway's {@code readings} primary key): device, the (boot,
 * seq) of the signed message that carried it, and its record index in the pack. Bundles cite a
 * claim's readings by it and the audit reports differences by it.
 *
 * @param deviceId device id (protocol grammar)
 * @param boot boot counter of the message
 * @param seq sequence number of the message within the boot
 * @param recordIndex index of the record in the message's pack
 */
public record ReadingKey(String deviceId, long boot, long seq, int recordIndex) implements Comparable<ReadingKey> {
    private static final Comparator<ReadingKey> ORDER = Comparator.comparing(ReadingKey::deviceId)
            .thenComparingLong(ReadingKey::boot).thenComparingLong(ReadingKey::seq)
            .thenComparingInt(ReadingKey::recordIndex);

    public ReadingKey {
        Objects.requireNonNull(deviceId, "deviceId");
        if (boot < 0 || seq < 0 || recordIndex < 0) {
            throw new IllegalArgumentException("boot, seq and record index must not be negative");
        }
    }

    @Override
    public int compareTo(ReadingKey o) {
        return ORDER.compare(this, o);
    }

    /** {@code device/boot/seq/recordIndex}. */
    @Override
    public String toString() {
        return deviceId + "/" + boot + "/" + seq + "/" + recordIndex;
    }
}
