package io.sensorproof.gateway.core;

import java.util.List;
import java.util.Objects;

/**
 * What {@link MessageStore#store(List)} did with each message of a batch, in batch order.
 *
 * @param results one result per message of the batch, same order
 */
public record StoredOutcome(List<Result> results) {
    public StoredOutcome {
        results = List.copyOf(results);
    }

    /** What happened to one message. */
    public enum Status {
        /** Inserted with its readings: the key was free. */
        INSERTED,
        /** The key was taken by the same content (same digest): nothing written. */
        DUPLICATE,
        /** The key was taken by another content (different digest): nothing written. */
        CONFLICT
    }

    /**
     * @param key (device, boot, seq) of the message
     * @param status what happened
     * @param storedDigest the digest stored under the key after the transaction: the message's own
     *     for {@code INSERTED} and {@code DUPLICATE}, the other content's for {@code CONFLICT}
     */
    public record Result(MessageKey key, Status status, ContentDigest storedDigest) {
        public Result {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(storedDigest, "storedDigest");
        }
    }
}
