package io.sensorproof.gateway.carbon;

import io.sensorproof.protocol.ids.Identifiers;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The rule of a facility link (ADR 025): a gateway emissions facility may back a CarbonCredit facility
 * only if every device of every period the verifier set on chain for it is one of the gateway
 * facility's devices, so a claim of the gateway's readings can never be submitted for a device the
 * facility does not own. Pure: the resource reads the chain and the facility, this decides.
 */
public final class CarbonLinks {
    private CarbonLinks() {}

    /**
     * A device of a chain period that is not one of the facility's devices.
     *
     * @param periodId the chain period listing it
     * @param deviceId the device id (protocol §7.4 field decoded)
     */
    public record Foreign(long periodId, String deviceId) {}

    /** Device ids of protocol §7.4 device fields, in order. */
    public static List<String> deviceIds(List<BigInteger> fields) {
        List<String> out = new ArrayList<>(fields.size());
        fields.forEach(f -> out.add(Identifiers.deviceIdOfField(f)));
        return out;
    }

    /**
     * The first device of {@code periodDevices} (period id → its devices, periods in order from 1) that is
     * not in {@code facilityDevices}.
     */
    public static Optional<Foreign> firstForeign(List<List<String>> periodDevices, Set<String> facilityDevices) {
        for (int i = 0; i < periodDevices.size(); i++) {
            for (String d : periodDevices.get(i)) {
                if (!facilityDevices.contains(d)) {
                    return Optional.of(new Foreign(i + 1, d));
                }
            }
        }
        return Optional.empty();
    }
}
