package io.sensorproof.sim.fleet;

import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import io.sensorproof.sim.gateway.GatewayClient;

/**
 * A reading as the gateway stores it: quantity, time (ms) and fixed-point value. Simulated and
 * stored readings are compared by this key.
 */
public record ReadingKey(String quantity, long timeMillis, long encodedValue) {

    /** The key of a reading the simulator produced. */
    public static ReadingKey of(Reading r) {
        return new ReadingKey(r.quantity().senmlName(), r.timeMillis(), r.fixedValue());
    }

    /** The key of a reading the gateway stored. */
    public static ReadingKey of(GatewayClient.StoredReading r) {
        return new ReadingKey(r.quantity(), r.readingTime().toEpochMilli(), r.encodedValue());
    }

    /** One line of a device's durable-readings trace: {@code quantity,time,encodedValue}. */
    public String toLine() {
        return quantity + "," + timeMillis + "," + encodedValue;
    }

    /** Parses {@link #toLine()}. */
    public static ReadingKey parse(String line) {
        String[] parts = line.split(",", -1);
        if (parts.length != 3 || Quantity.bySenmlName(parts[0]) == null) {
            throw new IllegalArgumentException("not a reading trace line: " + line);
        }
        return new ReadingKey(parts[0], Long.parseLong(parts[1]), Long.parseLong(parts[2]));
    }
}
