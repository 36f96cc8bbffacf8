package io.sensorproof.gateway.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link MessageStore} does with each message of a batch, decided in batch order exactly as
 * if the messages came one after the other (an earlier message of the batch that is inserted counts
 * as stored for the later ones; a refused one does not). Shared by the stores so that they cannot
 * drift apart.
 *
 * <p>Precedence per message: first the key. A taken (device, boot, seq) is {@code DUPLICATE} (same
 * content digest: a retransmission, whose readings are of course stored already, so it is
 * acknowledged again) or {@code CONFLICT} (another digest), and the reading rules are not applied to
 * it. Only a message with a free key meets the reading rules of {@link StoredReadings}
 * ({@code DUPLICATE_READING_TIME}, then {@code REGISTER_DECREASED}); if it passes, it is inserted.
 *
 * @param results one result per message, in batch order
 * @param inserts the messages to insert, in batch order (distinct keys)
 */
public record BatchDecision(List<StoredOutcome.Result> results, List<AcceptedMessage> inserts) {
    public BatchDecision {
        results = List.copyOf(results);
        inserts = List.copyOf(inserts);
    }

    /**
     * Decides a batch.
     *
     * @param batch the messages, in batch order
     * @param storedDigests the digests stored before the batch under (at least) the batch's keys
     * @param readings the stored readings (see {@link StoredReadings} for what it must hold); the
     *     inserted messages' readings are added to it
     * @return the decision
     */
    public static BatchDecision decide(List<AcceptedMessage> batch, Map<MessageKey, ContentDigest> storedDigests,
            StoredReadings readings) {
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(storedDigests, "storedDigests");
        Objects.requireNonNull(readings, "readings");
        Map<MessageKey, ContentDigest> taken = new HashMap<>(storedDigests);
        List<StoredOutcome.Result> results = new ArrayList<>(batch.size());
        List<AcceptedMessage> inserts = new ArrayList<>();
        for (AcceptedMessage m : batch) {
            MessageKey key = m.key();
            ContentDigest stored = taken.get(key);
            if (stored != null) {
                results.add(new StoredOutcome.Result(key, stored.equals(m.contentDigest())
                        ? StoredOutcome.Status.DUPLICATE : StoredOutcome.Status.CONFLICT, stored));
                continue;
            }
            Optional<StoredOutcome.Result> refusal = readings.admit(m);
            if (refusal.isPresent()) {
                results.add(refusal.get());
                continue;
            }
            taken.put(key, m.contentDigest());
            inserts.add(m);
            results.add(new StoredOutcome.Result(key, StoredOutcome.Status.INSERTED, m.contentDigest()));
        }
        return new BatchDecision(results, inserts);
    }
}
