package io.sensorproof.oracle.planning;

import io.sensorproof.zk.claims.CommittedReading;
import java.util.Objects;

/**
 * A reading as the store holds it: its leaf parts (zk-circuits' {@link CommittedReading}) and when
 * the gateway stored it (gateway clock, ms). The arrival time only serves the settlement wait; the
 * claim itself uses the device's time.
 */
public record StoredReading(CommittedReading reading, long arrivedAtMillis) {
    public StoredReading {
        Objects.requireNonNull(reading, "reading");
    }

    public ReadingKey key() {
        return new ReadingKey(reading.device(), reading.boot(), reading.seq(), reading.recordIndex());
    }

    public MessageId message() {
        return new MessageId(reading.boot(), reading.seq());
    }

    public long timeMillis() {
        return reading.timeMillis();
    }

    public long value() {
        return reading.value();
    }
}
