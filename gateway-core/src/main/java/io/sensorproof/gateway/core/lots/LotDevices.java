package io.sensorproof.gateway.core.lots;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The device list of a lot or an emissions facility: 1 to a maximum of devices, none twice (the
 * contracts refuse duplicates with {@code DuplicateDevice}). Ids are checked for syntax by the caller.
 */
public final class LotDevices {
    /** Most devices of a lot (bounds the grant and the evaluation work of one lot). */
    public static final int MAX_LOT_DEVICES = 256;
    /** Most register devices of an emissions facility ({@code CarbonCredit.MAX_DEVICES_PER_PERIOD}). */
    public static final int MAX_FACILITY_DEVICES = 64;

    private LotDevices() {
    }

    /**
     * The devices in their given order.
     *
     * @throws LotRefusal {@link LotRefusal#INVALID_DEVICES} when empty, longer than {@code max} or
     *     with a duplicate
     */
    public static List<String> require(List<String> deviceIds, int max) {
        if (deviceIds == null || deviceIds.isEmpty() || deviceIds.size() > max) {
            throw new LotRefusal(LotRefusal.INVALID_DEVICES, "deviceIds must list 1-" + max + " devices",
                    Map.of("field", "deviceIds"));
        }
        Set<String> unique = new LinkedHashSet<>();
        for (String id : deviceIds) {
            if (!unique.add(id)) {
                throw new LotRefusal(LotRefusal.INVALID_DEVICES, "device '" + id + "' is listed twice",
                        Map.of("field", "deviceIds", "device", String.valueOf(id)));
            }
        }
        return List.copyOf(unique);
    }
}
