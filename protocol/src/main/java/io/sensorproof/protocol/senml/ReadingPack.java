package io.sensorproof.protocol.senml;

import io.sensorproof.protocol.ids.Identifiers;
import java.util.List;

/**
 * The content of a signed message: the readings of one device, in record order.
 *
 * @param deviceId the SenML base name, which is the device id
 * @param readings one or more readings, times non-decreasing
 */
public record ReadingPack(String deviceId, List<Reading> readings) {
    public ReadingPack {
        Identifiers.requireValid(deviceId, "device id");
        readings = List.copyOf(readings);
        if (readings.isEmpty()) {
            throw new IllegalArgumentException("a pack has at least one reading");
        }
        if (readings.size() > SenmlCodec.MAX_RECORDS) {
            throw new IllegalArgumentException("a pack has at most " + SenmlCodec.MAX_RECORDS + " readings");
        }
        for (int i = 1; i < readings.size(); i++) {
            if (readings.get(i).timeMillis() < readings.get(i - 1).timeMillis()) {
                throw new IllegalArgumentException("reading times must be non-decreasing within a pack");
            }
        }
    }

    /**
     * Checks every value against its quantity's range.
     *
     * @throws io.sensorproof.protocol.ProtocolException {@code INVALID_VALUE}, naming the record
     */
    public void checkValues() {
        for (int i = 0; i < readings.size(); i++) {
            try {
                readings.get(i).checkValue();
            } catch (io.sensorproof.protocol.ProtocolException e) {
                throw new io.sensorproof.protocol.ProtocolException(e.code(), "record " + i + ": " + e.getMessage());
            }
        }
    }
}
