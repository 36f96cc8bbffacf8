package io.sensorproof.gateway.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link MessageStore} in memory, with the semantics the PostgreSQL implementation must have:
 * a batch is applied atomically (all results are decided before anything is visible), keys are
 * insert-if-absent in batch order, and a repeated key within one batch is compared with the
 * earlier occurrence. For tests and for wiring without a database. Thread-safe.
 */
public final class InMemoryMessageStore implements MessageStore {
    private final Map<MessageKey, AcceptedMessage> messages = new LinkedHashMap<>();
    private long transactions;

    @Override
    public synchronized StoredOutcome store(List<AcceptedMessage> batch) {
        List<StoredOutcome.Result> results = new ArrayList<>(batch.size());
        Map<MessageKey, AcceptedMessage> inserts = new LinkedHashMap<>();
        for (AcceptedMessage m : batch) {
            MessageKey key = m.key();
            AcceptedMessage existing = messages.get(key);
            if (existing == null) {
                existing = inserts.get(key);
            }
            if (existing == null) {
                inserts.put(key, m);
                results.add(new StoredOutcome.Result(key, StoredOutcome.Status.INSERTED, m.contentDigest()));
            } else if (existing.contentDigest().equals(m.contentDigest())) {
                results.add(new StoredOutcome.Result(key, StoredOutcome.Status.DUPLICATE, existing.contentDigest()));
            } else {
                results.add(new StoredOutcome.Result(key, StoredOutcome.Status.CONFLICT, existing.contentDigest()));
            }
        }
        messages.putAll(inserts);
        transactions++;
        return new StoredOutcome(results);
    }

    @Override
    public synchronized Map<MessageKey, ContentDigest> storedDigests(Collection<MessageKey> keys) {
        Map<MessageKey, ContentDigest> found = new HashMap<>();
        for (MessageKey key : keys) {
            AcceptedMessage m = messages.get(key);
            if (m != null) {
                found.put(key, m.contentDigest());
            }
        }
        return found;
    }

    /** Every stored message, in insertion order. */
    public synchronized List<AcceptedMessage> messages() {
        return List.copyOf(messages.values());
    }

    /** The message stored under {@code key}, if any. */
    public synchronized Optional<AcceptedMessage> get(MessageKey key) {
        return Optional.ofNullable(messages.get(key));
    }

    /** Number of stored readings over all messages. */
    public synchronized long readingCount() {
        return messages.values().stream().mapToLong(m -> m.readings().size()).sum();
    }

    /** Number of {@link #store(List)} calls (transactions) so far. */
    public synchronized long transactions() {
        return transactions;
    }
}
