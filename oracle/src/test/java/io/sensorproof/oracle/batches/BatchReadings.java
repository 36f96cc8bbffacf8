package io.sensorproof.oracle.batches;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Readings for the batch tests. */
final class BatchReadings {
    static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

    private BatchReadings() {
    }

    static BatchReading reading(String device, long boot, long seq, int index, int quantity, long timeMillis, long value,
            Instant receivedAt) {
        return new BatchReading(new ReadingKey(device, boot, seq, index), quantity, timeMillis, value, receivedAt);
    }

    /** {@code count} readings of one device, one per message, received one second apart from T0. */
    static List<BatchReading> series(String device, int count) {
        List<BatchReading> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(reading(device, 1, i, 0, 1, T0.toEpochMilli() + i * 1000L, 27315 + i, T0.plusSeconds(i)));
        }
        return out;
    }
}
