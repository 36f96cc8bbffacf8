package io.sensorproof.gateway.core;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link MessageStore} in memory, with the semantics the PostgreSQL implementation must have:
 * a batch is applied atomically (all results are decided before anything is visible), keys are
 * insert-if-absent in batch order, a repeated key within one batch is compared with the earlier
 * occurrence, and a message with a free key is refused when a reading breaks a rule of
 * {@link StoredReadings} (decided by {@link BatchDecision}). For tests and for wiring without a
 * database. Thread-safe.
 */
public final class InMemoryMessageStore implements MessageStore {
    private final Map<MessageKey, AcceptedMessage> messages = new LinkedHashMap<>();
    private final StoredReadings readings = new StoredReadings();
    private long transactions;

    @Override
    public synchronized StoredOutcome store(List<AcceptedMessage> batch) {
        // decide adds the inserted messages' readings to the timeline; nothing after it can fail
        BatchDecision decision = BatchDecision.decide(batch, storedDigests(batch.stream().map(AcceptedMessage::key).toList()), readings);
        for (AcceptedMessage m : decision.inserts()) {
            messages.put(m.key(), m);
        }
        transactions++;
        return new StoredOutcome(decision.results());
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
