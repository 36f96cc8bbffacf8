package io.sensorproof.gateway.core.mqtt;

import io.sensorproof.gateway.core.AcceptedMessage;
import io.sensorproof.gateway.core.ContentDigest;
import io.sensorproof.gateway.core.InMemoryMessageStore;
import io.sensorproof.gateway.core.MessageKey;
import io.sensorproof.gateway.core.MessageStore;
import io.sensorproof.gateway.core.StoredOutcome;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A message store for the adapter's integration tests: its first transaction waits until the test opens
 * the gate ({@code entered} tells that it is waiting), so that messages pile up behind it; counts inserts
 * per key.
 */
final class GatedStore implements MessageStore {
    final InMemoryMessageStore delegate = new InMemoryMessageStore();
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch gate = new CountDownLatch(1);
    final Map<MessageKey, Integer> inserts = new ConcurrentHashMap<>();

    @Override
    public StoredOutcome store(List<AcceptedMessage> batch) {
        if (gate.getCount() > 0) {
            entered.countDown();
            try {
                if (!gate.await(10, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("gate never opened");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        StoredOutcome outcome = delegate.store(batch);
        for (StoredOutcome.Result r : outcome.results()) {
            if (r.status() == StoredOutcome.Status.INSERTED) {
                inserts.merge(r.key(), 1, Integer::sum);
            }
        }
        return outcome;
    }

    @Override
    public Map<MessageKey, ContentDigest> storedDigests(Collection<MessageKey> keys) {
        return delegate.storedDigests(keys);
    }

    boolean contains(MessageKey key) {
        return delegate.get(key).isPresent();
    }
}
