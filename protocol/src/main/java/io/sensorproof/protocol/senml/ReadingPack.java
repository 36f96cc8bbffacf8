package io.sensorproof.protocol.senml;

import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ProtocolException;
import io.sensorproof.protocol.ids.Identifiers;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

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
     * Checks the values of the pack (protocol §4 step 8), record by record in order, each record
     * against the rules below in this order, and refuses with the first failure:
     * <ol>
     *   <li>the value is in its quantity's range ({@code INVALID_VALUE});</li>
     *   <li>no earlier record has the same quantity and the same time in ms ({@code
     *       DUPLICATE_READING_TIME}): one reading per device, quantity and time, so circuits can order
     *       a device's readings by time alone;</li>
     *   <li>a {@code co2e-register} value is not lower than any earlier register record's ({@code
     *       REGISTER_DECREASED}): the register is cumulative.</li>
     * </ol>
     * Times are non-decreasing within a pack (checked at construction), so records sharing a time
     * are adjacent and the check is linear.
     *
     * @throws ProtocolException with one of the codes above, naming the record
     */
    public void checkValues() {
        Map<Quantity, Integer> atCurrentTime = new EnumMap<>(Quantity.class);
        long currentTime = Long.MIN_VALUE;
        long highestRegister = -1;
        int highestRegisterRecord = -1;
        for (int i = 0; i < readings.size(); i++) {
            Reading r = readings.get(i);
            try {
                r.checkValue();
            } catch (ProtocolException e) {
                throw new ProtocolException(e.code(), "record " + i + ": " + e.getMessage());
            }
            if (r.timeMillis() != currentTime) {
                atCurrentTime.clear();
                currentTime = r.timeMillis();
            }
            Integer earlier = atCurrentTime.putIfAbsent(r.quantity(), i);
            if (earlier != null) {
                throw new ProtocolException(ErrorCode.DUPLICATE_READING_TIME, "record " + i + ": " + r.quantity().senmlName()
                        + " at " + r.timeMillis() + " ms repeats the quantity and time of record " + earlier);
            }
            if (r.quantity() == Quantity.CO2E_REGISTER) {
                long grams = r.fixedValue();
                if (grams < highestRegister) {
                    throw new ProtocolException(ErrorCode.REGISTER_DECREASED, "record " + i + ": co2e-register " + grams
                            + " g is lower than " + highestRegister + " g in record " + highestRegisterRecord);
                }
                highestRegister = grams;
                highestRegisterRecord = i;
            }
        }
    }
}
