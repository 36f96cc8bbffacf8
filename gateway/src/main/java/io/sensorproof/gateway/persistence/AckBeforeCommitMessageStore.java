package io.sensorproof.gateway.persistence;

import io.quarkus.arc.properties.IfBuildProperty;
import io.sensorproof.gateway.core.AcceptedMessage;
import io.sensorproof.gateway.core.ContentDigest;
import io.sensorproof.gateway.core.MessageKey;
import io.sensorproof.gateway.core.MessageStore;
import io.sensorproof.gateway.core.StoredOutcome;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * <b>Deliberately broken, for the crash test only</b>: a write-behind store that answers before its
 * transaction commits. It classifies a batch against what is already committed, returns at once
 * (so the pipeline acknowledges), and hands the batch to {@link PgMessageStore} {@value #COMMIT_DELAY_MILLIS}
 * ms later on a background thread; a {@code kill -9} in between loses messages the devices saw
 * acknowledged. {@code GatewayCrashIT} must catch it.
 *
 * <p>The bean exists only in a gateway built with the build property
 * {@code crash-test.ack-before-commit=true} ({@code mvn -Pack-before-commit}); every other build,
 * including the one CI tests and the one users run, has no such bean, whatever is set at run time.
 */
@Alternative
@Priority(1)
@ApplicationScoped
@IfBuildProperty(name = "crash-test.ack-before-commit", stringValue = "true")
public class AckBeforeCommitMessageStore implements MessageStore {
    static final long COMMIT_DELAY_MILLIS = 10_000;
    private static final Logger LOG = Logger.getLogger(AckBeforeCommitMessageStore.class);

    private final PgMessageStore committed;
    private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ack-before-commit-writer");
        t.setDaemon(true);
        return t;
    });

    @Inject
    AckBeforeCommitMessageStore(PgMessageStore committed) {
        this.committed = committed;
        LOG.warn("BROKEN BUILD: acknowledgements go out before their transaction commits (crash-test.ack-before-commit)");
    }

    @Override
    public StoredOutcome store(List<AcceptedMessage> batch) {
        List<MessageKey> keys = batch.stream().map(AcceptedMessage::key).toList();
        Map<MessageKey, ContentDigest> stored = new HashMap<>(committed.storedDigests(keys));
        List<StoredOutcome.Result> results = new ArrayList<>();
        for (AcceptedMessage m : batch) {
            ContentDigest existing = stored.putIfAbsent(m.key(), m.contentDigest());
            if (existing == null) {
                results.add(new StoredOutcome.Result(m.key(), StoredOutcome.Status.INSERTED, m.contentDigest()));
            } else if (existing.equals(m.contentDigest())) {
                results.add(new StoredOutcome.Result(m.key(), StoredOutcome.Status.DUPLICATE, existing));
            } else {
                results.add(new StoredOutcome.Result(m.key(), StoredOutcome.Status.CONFLICT, existing));
            }
        }
        List<AcceptedMessage> copy = List.copyOf(batch);
        writer.schedule(() -> {
            try {
                committed.store(copy);
            } catch (RuntimeException e) {
                LOG.warnf(e, "write-behind of %d messages failed", copy.size());
            }
        }, COMMIT_DELAY_MILLIS, TimeUnit.MILLISECONDS);
        return new StoredOutcome(results);
    }

    @Override
    public Map<MessageKey, ContentDigest> storedDigests(Collection<MessageKey> keys) {
        return committed.storedDigests(keys);
    }
}
