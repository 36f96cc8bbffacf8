package io.sensorproof.oracle.planning;

import java.math.BigInteger;
import java.util.Comparator;
import java.util.Objects;

/**
 * The key of one stored reading (the store's primary key: device, boot, seq, record index), with
 * the device as its protocol §7.4 field (the id's ASCII bytes as a big-endian integer). A planned
 * claim lists the keys of its readings so that evidence bundles and the audit can fetch them.
 */
public record ReadingKey(BigInteger device, long boot, long seq, int recordIndex) implements Comparable<ReadingKey> {
    private static final Comparator<ReadingKey> ORDER = Comparator.comparing(ReadingKey::device)
            .thenComparingLong(ReadingKey::boot).thenComparingLong(ReadingKey::seq)
            .thenComparingInt(ReadingKey::recordIndex);

    public ReadingKey {
        Objects.requireNonNull(device, "device");
    }

    /** The message that carried this reading. */
    public MessageId message() {
        return new MessageId(boot, seq);
    }

    @Override
    public int compareTo(ReadingKey other) {
        return ORDER.compare(this, other);
    }
}
