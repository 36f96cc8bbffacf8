package io.sensorproof.zk.claims;

import io.sensorproof.zk.claims.ClaimException.Code;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The checks both claim builders share, in the order they report: count, then reading by reading. */
final class ClaimChecks {
    private static final BigInteger DEVICE_BOUND = BigInteger.ONE.shiftLeft(248);
    private static final long COUNTER_BOUND = 1L << 32;

    private ClaimChecks() {
    }

    /** 2 ≤ readings ≤ slots, no null reading. */
    static void count(List<CommittedReading> readings, int slots) {
        Objects.requireNonNull(readings);
        readings.forEach(Objects::requireNonNull);
        if (readings.size() < 2) {
            throw new ClaimException(Code.TOO_FEW_READINGS, "a claim spans at least 2 readings, got " + readings.size());
        }
        if (readings.size() > slots) {
            throw new ClaimException(Code.TOO_MANY_READINGS,
                    "the circuit has " + slots + " slots, got " + readings.size() + " readings");
        }
    }

    /** Reading {@code index} has its leaf parts within their bounds and is of device and quantity. */
    static void reading(CommittedReading r, int index, BigInteger device, int quantity) {
        if (r.device().signum() <= 0 || r.device().compareTo(DEVICE_BOUND) >= 0 || r.boot() < 0
                || r.boot() >= COUNTER_BOUND || r.seq() < 0 || r.seq() >= COUNTER_BOUND || r.recordIndex() < 0
                || r.recordIndex() >= 256 || r.quantity() < 0 || r.quantity() >= 256) {
            throw new ClaimException(Code.FIELD_OUT_OF_BOUND, "reading " + index
                    + ": device, boot, seq, record index or quantity outside its leaf bound: " + r);
        }
        if (r.timeMillis() < 0 || r.timeMillis() >= CommittedReading.TIME_BOUND) {
            throw new ClaimException(Code.TIME_OUT_OF_BOUND, "reading " + index + ": time " + r.timeMillis()
                    + " is not in [0, 2^43)");
        }
        if (r.value() < 0 || r.value() >= CommittedReading.VALUE_BOUND) {
            throw new ClaimException(Code.VALUE_OUT_OF_BOUND, "reading " + index + ": value " + r.value()
                    + " is not in [0, 2^53)");
        }
        if (!r.device().equals(device)) {
            throw new ClaimException(Code.OTHER_DEVICE, "reading " + index + " is of device " + r.device()
                    + ", the claim's is " + device);
        }
        if (r.quantity() != quantity) {
            throw new ClaimException(Code.OTHER_QUANTITY, "reading " + index + " has quantity " + r.quantity()
                    + ", the claim's is " + quantity);
        }
    }

    /** Reading {@code index} is strictly after its predecessor; returns the gap in ms. */
    static long gap(List<CommittedReading> readings, int index) {
        long gap = readings.get(index).timeMillis() - readings.get(index - 1).timeMillis();
        if (gap <= 0) {
            throw new ClaimException(Code.TIME_NOT_INCREASING, "reading " + index + " at "
                    + readings.get(index).timeMillis() + " is not after reading " + (index - 1) + " at "
                    + readings.get(index - 1).timeMillis());
        }
        return gap;
    }

    /** maxGap is in [0, 2^43). */
    static void maxGap(long maxGap) {
        if (maxGap < 0 || maxGap >= CommittedReading.TIME_BOUND) {
            throw new ClaimException(Code.PARAMETER_OUT_OF_BOUND, "maxGap " + maxGap + " is not in [0, 2^43)");
        }
    }

    /** The claim tree of the readings' leaves. */
    static ClaimTree tree(int slots, List<CommittedReading> readings) {
        return ClaimTree.of(slots, readings.stream().map(r -> r.fields().hash()).toList());
    }

    /** The readings' slots followed by empty ones, and present flags, {@code slots} each. */
    static List<ClaimSlot> slots(int slots, List<CommittedReading> readings) {
        List<ClaimSlot> result = new ArrayList<>(readings.stream().map(CommittedReading::slot).toList());
        while (result.size() < slots) {
            result.add(ClaimSlot.EMPTY);
        }
        return result;
    }

    static List<Boolean> present(int slots, int count) {
        List<Boolean> result = new ArrayList<>(slots);
        for (int k = 0; k < slots; k++) {
            result.add(k < count);
        }
        return result;
    }

    /** Checks the slot count of an unchecked request. */
    static void sizes(int slots, List<ClaimSlot> slotList, List<?>... flags) {
        if (slots < 2 || Integer.bitCount(slots) != 1 || slotList.size() != slots) {
            throw new IllegalArgumentException("a claim request has a power of two slots, got " + slotList.size());
        }
        for (List<?> list : flags) {
            if (list.size() != slots) {
                throw new IllegalArgumentException("every flag array has " + slots + " entries, got " + list.size());
            }
        }
    }
}
