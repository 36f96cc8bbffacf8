package io.sensorproof.gateway.core;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Port to durable message storage (PostgreSQL in the gateway): messages unique by
 * (device, boot, seq), each with its readings.
 *
 * <p>A runtime exception from either method means nothing can be assumed committed: the pipeline
 * defers the affected messages (sends nothing), and the device resends them.
 */
public interface MessageStore {
    /**
     * Stores a batch in <b>one transaction</b>: for each message, in order, insert-if-absent on
     * (device, boot, seq) together with its readings. A key that is already taken is left as it is
     * and reported as {@code DUPLICATE} (same content digest) or {@code CONFLICT} (another digest,
     * which is returned). A message with a free key whose readings break a rule of
     * {@link StoredReadings} is not written and reported as {@code DUPLICATE_READING_TIME} or
     * {@code REGISTER_DECREASED} with the breaking record. The same key may occur twice in one
     * batch; the later occurrence is then compared with the earlier one, exactly as if it came in a
     * later transaction, and an inserted earlier message's readings count as stored for later ones
     * ({@link BatchDecision}). Correct with several writers (gateway replicas) at once. Returns only
     * after the transaction committed.
     *
     * @param batch messages to store, possibly empty
     * @return one result per message, in batch order
     */
    StoredOutcome store(List<AcceptedMessage> batch);

    /**
     * The digests currently stored under {@code keys} (absent keys are missing from the map). Read
     * only; the pipeline asks it only for authenticated messages that fail validation, so that a
     * conflicting or repeated (boot, seq) is reported as such before a validation code.
     */
    Map<MessageKey, ContentDigest> storedDigests(Collection<MessageKey> keys);
}
