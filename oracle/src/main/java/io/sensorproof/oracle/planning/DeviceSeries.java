package io.sensorproof.oracle.planning;

import io.sensorproof.oracle.planning.PlanningException.Code;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The stored readings of one device and quantity in time order, checked: every reading is of that
 * device and quantity and no two share a time (the store's rule, protocol §7.3). Planners cut
 * claims out of this series as consecutive slices, which is what makes every claim complete.
 */
final class DeviceSeries {
    private final List<StoredReading> readings;
    private final Map<ReadingKey, Integer> indexByKey = new HashMap<>();

    DeviceSeries(BigInteger device, int quantity, List<StoredReading> stored) {
        Objects.requireNonNull(device);
        List<StoredReading> sorted = new ArrayList<>(stored);
        sorted.forEach(Objects::requireNonNull);
        for (StoredReading r : sorted) {
            if (!r.reading().device().equals(device) || r.reading().quantity() != quantity) {
                throw new PlanningException(Code.FOREIGN_READING, "reading " + r.key() + " of quantity "
                        + r.reading().quantity() + " does not belong to device " + device + " and quantity " + quantity,
                        r.key(), null);
            }
        }
        sorted.sort(Comparator.comparingLong(StoredReading::timeMillis));
        for (int i = 0; i < sorted.size(); i++) {
            if (i > 0 && sorted.get(i).timeMillis() == sorted.get(i - 1).timeMillis()) {
                throw new PlanningException(Code.DUPLICATE_READING_TIME, "readings " + sorted.get(i - 1).key() + " and "
                        + sorted.get(i).key() + " share the time " + sorted.get(i).timeMillis(), sorted.get(i).key(), null);
            }
            if (indexByKey.put(sorted.get(i).key(), i) != null) {
                throw new PlanningException(Code.DUPLICATE_READING_TIME, "reading " + sorted.get(i).key()
                        + " is given twice", sorted.get(i).key(), null);
            }
        }
        this.readings = List.copyOf(sorted);
    }

    int size() {
        return readings.size();
    }

    StoredReading get(int index) {
        return readings.get(index);
    }

    long time(int index) {
        return readings.get(index).timeMillis();
    }

    /** The index of {@code key}, or −1. */
    int indexOf(ReadingKey key) {
        return indexByKey.getOrDefault(key, -1);
    }

    /** Readings {@code from}…{@code to}, both inclusive. */
    List<StoredReading> slice(int from, int to) {
        return readings.subList(from, to + 1);
    }

    static ClaimKeys keys(List<StoredReading> slice) {
        return new ClaimKeys(slice.stream().map(StoredReading::key).toList());
    }

    /**
     * Checks that {@code prior} is exactly readings {@code from}… of this series and returns the index
     * after it.
     *
     * @throws PlanningException {@code PRIOR_CLAIM_MISMATCH} naming the first key that differs
     */
    int match(ClaimKeys prior, int from, int lastAllowed) {
        for (int k = 0; k < prior.size(); k++) {
            int index = from + k;
            ReadingKey expected = prior.keys().get(k);
            if (index > lastAllowed || !readings.get(index).key().equals(expected)) {
                String found = index < readings.size() ? readings.get(index).key().toString() : "the end of the series";
                throw new PlanningException(Code.PRIOR_CLAIM_MISMATCH, "a planned claim holds " + expected + " in slot "
                        + k + " but the stored series has " + found + " there (a reading arrived inside the claim's window,"
                        + " or the claim is not where the chain continues)", expected, null);
            }
        }
        return from + prior.size();
    }
}
