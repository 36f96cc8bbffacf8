package io.sensorproof.gateway.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A {@link MessageStore} that, after its delegate committed a batch, hands the messages it
 * <b>inserted</b> (not duplicates, conflicts or refusals) to a {@link Listener}: the hook that feeds
 * committed readings to the rules without re-reading them. The listener runs on the ingest thread
 * after the commit, so it must only enqueue; an exception from it is logged and never changes the
 * store's result (the readings are committed, the device is acknowledged).
 */
public final class CommittedReadingsStore implements MessageStore {
    private static final Logger LOG = Logger.getLogger(CommittedReadingsStore.class.getName());

    /** Told about the messages of each committed batch that were inserted. */
    @FunctionalInterface
    public interface Listener {
        /** @param inserted the inserted messages, in batch order (never empty) */
        void committed(List<AcceptedMessage> inserted);
    }

    private final MessageStore delegate;
    private final Listener listener;

    /** Wraps {@code delegate}; {@code listener} hears of every committed insert. */
    public CommittedReadingsStore(MessageStore delegate, Listener listener) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    @Override
    public StoredOutcome store(List<AcceptedMessage> batch) {
        StoredOutcome outcome = delegate.store(batch);
        List<AcceptedMessage> inserted = new ArrayList<>();
        List<StoredOutcome.Result> results = outcome.results();
        for (int i = 0; i < batch.size() && i < results.size(); i++) {
            if (results.get(i).status() == StoredOutcome.Status.INSERTED) {
                inserted.add(batch.get(i));
            }
        }
        if (!inserted.isEmpty()) {
            try {
                listener.committed(List.copyOf(inserted));
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "committed-readings listener failed; the batch stays committed", e);
            }
        }
        return outcome;
    }

    @Override
    public Map<MessageKey, ContentDigest> storedDigests(Collection<MessageKey> keys) {
        return delegate.storedDigests(keys);
    }
}
