package io.sensorproof.oracle.planning;

import java.util.List;

/**
 * The reading keys of one planned claim, in slot order (strictly increasing time). This is what a
 * caller keeps of a claim it has planned or proven and hands back to the planner, which never
 * changes such a claim and continues after it.
 */
public record ClaimKeys(List<ReadingKey> keys) {
    public ClaimKeys {
        keys = List.copyOf(keys);
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("a claim has readings");
        }
    }

    public ReadingKey first() {
        return keys.get(0);
    }

    public ReadingKey last() {
        return keys.get(keys.size() - 1);
    }

    public int size() {
        return keys.size();
    }
}
