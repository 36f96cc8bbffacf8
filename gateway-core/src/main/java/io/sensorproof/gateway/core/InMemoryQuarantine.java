package io.sensorproof.gateway.core;

import java.util.ArrayList;
import java.util.List;

/** A {@link Quarantine} in memory, for tests and wiring without a database. Thread-safe. */
public final class InMemoryQuarantine implements Quarantine {
    private final List<QuarantineEntry> entries = new ArrayList<>();

    @Override
    public synchronized void put(QuarantineEntry entry) {
        entries.add(entry);
    }

    /** Every entry, oldest first. */
    public synchronized List<QuarantineEntry> entries() {
        return List.copyOf(entries);
    }
}
