package io.sensorproof.gateway.core.lots;

import io.sensorproof.protocol.ids.Identifiers;
import io.sensorproof.protocol.senml.Quantity;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The rule of the lot ↔ chain facility link (ADR 024, "link"): a lot may name a
 * {@code CollateralFinancing} facility only if that facility is Proposed or Active, watches exactly the
 * lot's devices (protocol §7.4 device fields) and carries exactly the lot's terms, watch by watch. Pure:
 * the gateway reads the facility from the chain and the lot from its store; this decides, and names the
 * first field that differs so the bank can see what to fix. Both sides use the same units: lo/hi
 * fixed-point as stored (protocol §7.2, temperatures in centi-kelvin), durations in milliseconds; the
 * chain's uint64 values are compared as {@link BigInteger} so a value above {@code Long.MAX_VALUE} on
 * chain is a mismatch, never an overflow.
 */
public final class ChainFacilityMatch {
    /** The facility is neither Proposed nor Active. */
    public static final String STATE = "CHAIN_FACILITY_STATE";
    /** The facility's devices are not exactly the lot's devices. */
    public static final String DEVICES = "CHAIN_FACILITY_DEVICES_MISMATCH";
    /** The facility's watches differ from the lot's terms. */
    public static final String WATCHES = "CHAIN_FACILITY_TERMS_MISMATCH";

    /** {@code CollateralFinancing.State}: None = 0, Proposed = 1, Active = 2. */
    public static final int STATE_PROPOSED = 1;
    /** See {@link #STATE_PROPOSED}. */
    public static final int STATE_ACTIVE = 2;

    private ChainFacilityMatch() {}

    /**
     * One {@code Watch} of a facility as read from the chain (uint8 quantity leaf code, uint64 values).
     */
    public record ChainWatch(int quantity, BigInteger lo, BigInteger hi, BigInteger minDuration, BigInteger maxGap,
            BigInteger samplingInterval, BigInteger maxAge, int k) {
        public ChainWatch {
            Objects.requireNonNull(lo, "lo");
            Objects.requireNonNull(hi, "hi");
            Objects.requireNonNull(minDuration, "minDuration");
            Objects.requireNonNull(maxGap, "maxGap");
            Objects.requireNonNull(samplingInterval, "samplingInterval");
            Objects.requireNonNull(maxAge, "maxAge");
        }
    }

    /**
     * The parts of {@code CollateralFinancing.facility(id)} the link compares.
     *
     * @param state the enum ordinal (0 None, 1 Proposed, 2 Active)
     * @param devices the device fields of the terms, in chain order
     * @param watches the watches of the terms, in chain order
     */
    public record ChainFacility(int state, List<BigInteger> devices, List<ChainWatch> watches) {
        public ChainFacility {
            devices = List.copyOf(devices);
            watches = List.copyOf(watches);
        }
    }

    /**
     * Why a facility does not fit a lot.
     *
     * @param code one of {@link #STATE}, {@link #DEVICES}, {@link #WATCHES}
     * @param field the differing field, e.g. {@code devices}, {@code watches[temperature].lo}
     * @param message for people
     * @param details for the API's {@code details} (always includes {@code field})
     */
    public record Mismatch(String code, String field, String message, Map<String, Object> details) {
        public Mismatch {
            details = Map.copyOf(details);
        }
    }

    /**
     * The first difference between {@code chain} and the lot ({@code lotDevices} device ids,
     * {@code lotWatches} its terms), or empty when the facility fits. Checks state, then devices, then
     * watches (missing, extra, then per quantity lo, hi, minDuration, maxGap, samplingInterval, maxAge, k).
     */
    public static Optional<Mismatch> firstMismatch(ChainFacility chain, List<String> lotDevices, List<Watch> lotWatches) {
        if (chain.state() != STATE_PROPOSED && chain.state() != STATE_ACTIVE) {
            return Optional.of(mismatch(STATE, "state", "the facility is " + stateName(chain.state())
                    + ", not Proposed or Active", Map.of("state", stateName(chain.state()))));
        }
        Optional<Mismatch> devices = devices(chain.devices(), lotDevices);
        if (devices.isPresent()) {
            return devices;
        }
        return watches(chain.watches(), lotWatches);
    }

    private static Optional<Mismatch> devices(List<BigInteger> chainFields, List<String> lotDevices) {
        Set<BigInteger> lotFields = new HashSet<>();
        Map<BigInteger, String> idOf = new HashMap<>();
        for (String d : lotDevices) {
            BigInteger f = Identifiers.deviceField(d);
            lotFields.add(f);
            idOf.put(f, d);
        }
        Set<BigInteger> seen = new HashSet<>();
        for (BigInteger f : chainFields) {
            if (!lotFields.contains(f)) {
                String id = deviceId(f);
                return Optional.of(mismatch(DEVICES, "devices", "the facility watches device " + id
                        + ", which is not a device of the lot", Map.of("device", id, "problem", "not in lot")));
            }
            if (!seen.add(f)) {
                return Optional.of(mismatch(DEVICES, "devices", "the facility lists device " + idOf.get(f) + " twice",
                        Map.of("device", idOf.get(f), "problem", "duplicate")));
            }
        }
        for (String d : lotDevices) {
            if (!seen.contains(Identifiers.deviceField(d))) {
                return Optional.of(mismatch(DEVICES, "devices", "the facility does not watch the lot's device " + d,
                        Map.of("device", d, "problem", "not in facility")));
            }
        }
        return Optional.empty();
    }

    private static Optional<Mismatch> watches(List<ChainWatch> chainWatches, List<Watch> lotWatches) {
        Map<Integer, ChainWatch> byCode = new LinkedHashMap<>();
        for (ChainWatch w : chainWatches) {
            if (byCode.putIfAbsent(w.quantity(), w) != null) {
                String q = quantityName(w.quantity());
                return Optional.of(mismatch(WATCHES, "watches[" + q + "]", "the facility watches " + q + " twice",
                        Map.of("quantity", q)));
            }
        }
        List<Integer> lotCodes = new ArrayList<>();
        for (Watch lot : lotWatches) {
            String q = lot.quantity().senmlName();
            lotCodes.add(lot.quantity().code());
            ChainWatch c = byCode.get(lot.quantity().code());
            if (c == null) {
                return Optional.of(mismatch(WATCHES, "watches[" + q + "]", "the facility has no watch on " + q,
                        Map.of("quantity", q, "problem", "not in facility")));
            }
            Optional<Mismatch> m = value(q, "lo", lot.lo(), c.lo())
                    .or(() -> value(q, "hi", lot.hi(), c.hi()))
                    .or(() -> value(q, "minDuration", lot.minDurationMs(), c.minDuration()))
                    .or(() -> value(q, "maxGap", lot.maxGapMs(), c.maxGap()))
                    .or(() -> value(q, "samplingInterval", lot.samplingIntervalMs(), c.samplingInterval()))
                    .or(() -> value(q, "maxAge", lot.maxAgeMs(), c.maxAge()))
                    .or(() -> value(q, "k", lot.k(), BigInteger.valueOf(c.k())));
            if (m.isPresent()) {
                return m;
            }
        }
        for (Integer code : byCode.keySet()) {
            if (!lotCodes.contains(code)) {
                String q = quantityName(code);
                return Optional.of(mismatch(WATCHES, "watches[" + q + "]", "the facility watches " + q
                        + ", which the lot's terms do not", Map.of("quantity", q, "problem", "not in lot")));
            }
        }
        return Optional.empty();
    }

    private static Optional<Mismatch> value(String quantity, String name, long lot, BigInteger chain) {
        if (BigInteger.valueOf(lot).equals(chain)) {
            return Optional.empty();
        }
        String field = "watches[" + quantity + "]." + name;
        return Optional.of(mismatch(WATCHES, field, field + " is " + chain + " on chain but " + lot + " in the lot's terms",
                Map.of("quantity", quantity, "chain", chain.toString(), "lot", Long.toString(lot))));
    }

    private static Mismatch mismatch(String code, String field, String message, Map<String, Object> details) {
        Map<String, Object> d = new LinkedHashMap<>(details);
        d.put("field", field);
        return new Mismatch(code, field, message, d);
    }

    private static String deviceId(BigInteger field) {
        try {
            return Identifiers.deviceIdOfField(field);
        } catch (RuntimeException e) {
            return "0x" + field.toString(16);
        }
    }

    private static String quantityName(int code) {
        Quantity q = Quantity.byCode(code);
        return q == null ? "code " + code : q.senmlName();
    }

    private static String stateName(int state) {
        return switch (state) {
            case 0 -> "None";
            case 1 -> "Proposed";
            case 2 -> "Active";
            default -> "state " + state;
        };
    }
}
