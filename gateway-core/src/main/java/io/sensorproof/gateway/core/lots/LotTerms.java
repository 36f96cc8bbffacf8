package io.sensorproof.gateway.core.lots;

import io.sensorproof.protocol.senml.Quantity;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The terms that decide a lot's freeze: one {@link Watch} per quantity, set by the lot's bank only
 * (they mirror the on-chain facility's terms, which the bank creates and the borrower accepts; the
 * factory can neither set nor widen them). Validated with the same rules as
 * {@code CollateralFinancing} so that the gateway never watches terms the contract would refuse.
 */
public record LotTerms(List<Watch> watches) {
    public LotTerms {
        watches = List.copyOf(watches);
    }

    /**
     * Checks every watch for a lot of {@code deviceCount} devices: at least one, one per quantity, each
     * valid by {@link Watch#validate(int)}.
     *
     * @throws LotRefusal with the first rule broken
     */
    public LotTerms validate(int deviceCount) {
        if (watches.isEmpty()) {
            throw new LotRefusal(LotRefusal.NO_WATCHES, "terms need at least one watch", Map.of("field", "watches"));
        }
        Set<Quantity> seen = EnumSet.noneOf(Quantity.class);
        for (Watch watch : watches) {
            if (!seen.add(watch.quantity())) {
                throw new LotRefusal(LotRefusal.DUPLICATE_WATCH, "two watches on " + watch.quantity().senmlName(),
                        Map.of("quantity", watch.quantity().senmlName()));
            }
            watch.validate(deviceCount);
        }
        return this;
    }

    /**
     * The quantity with SenML name {@code name}.
     *
     * @throws LotRefusal {@link LotRefusal#UNKNOWN_QUANTITY} for any other name
     */
    public static Quantity quantity(String name) {
        Quantity q = name == null ? null : Quantity.bySenmlName(name);
        if (q == null) {
            throw new LotRefusal(LotRefusal.UNKNOWN_QUANTITY, "unknown quantity '" + name + "'; known: temperature,"
                    + " humidity, co2e-register", Map.of("field", "quantity", "value", String.valueOf(name)));
        }
        return q;
    }
}
