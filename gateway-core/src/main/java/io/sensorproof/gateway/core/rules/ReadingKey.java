package io.sensorproof.gateway.core.rules;

import java.util.Comparator;

/**
 * The identity of one stored reading of a device: (boot, seq) of its message and its record index
 * in the pack. Alerts cite readings by it as evidence; alert ids are built from it.
 *
 * @param boot the device's boot counter
 * @param seq the message's sequence number within the boot
 * @param recordIndex the record's index in the pack
 */
public record ReadingKey(long boot, long seq, int recordIndex) implements Comparable<ReadingKey> {
    private static final Comparator<ReadingKey> ORDER = Comparator.comparingLong(ReadingKey::boot)
            .thenComparingLong(ReadingKey::seq).thenComparingInt(ReadingKey::recordIndex);

    public ReadingKey {
        if (boot < 0 || seq < 0 || recordIndex < 0) {
            throw new IllegalArgumentException("boot, seq and record index must be >= 0");
        }
    }

    @Override
    public int compareTo(ReadingKey o) {
        return ORDER.compare(this, o);
    }

    /** {@code boot/seq/recordIndex}. */
    @Override
    public String toString() {
        return boot + "/" + seq + "/" + recordIndex;
    }
}
