package io.sensorproof.gateway.core;

import io.sensorproof.protocol.ErrorCode;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

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
        /** Inserted with its readings: the key was free and every reading fits what is stored. */
        INSERTED(null),
        /** The key was taken by the same content (same digest): nothing written. */
        DUPLICATE(null),
        /** The key was taken by another content (different digest): nothing written. */
        CONFLICT(null),
        /**
         * The key was free, but a record's (device, quantity, reading time in ms) is already stored
         * from another message, or occurs twice in the message: nothing written.
         */
        DUPLICATE_READING_TIME(ErrorCode.DUPLICATE_READING_TIME),
        /**
         * The key was free, but an emissions register record is lower than the device's stored
         * register reading with the latest earlier time, or higher than the one with the earliest
         * later time: nothing written.
         */
        REGISTER_DECREASED(ErrorCode.REGISTER_DECREASED);

        private final ErrorCode code;

        Status(ErrorCode code) {
            this.code = code;
        }

        /** The protocol code of a refusal; empty for the statuses about the message key. */
        public Optional<ErrorCode> refusalCode() {
            return Optional.ofNullable(code);
        }

        /** True for the statuses that refuse a message whose key was free. */
        public boolean refused() {
            return code != null;
        }
    }

    /**
     * @param key (device, boot, seq) of the message
     * @param status what happened
     * @param storedDigest the digest stored under the key after the transaction: the message's own
     *     for {@code INSERTED} and {@code DUPLICATE}, the other content's for {@code CONFLICT}; empty
     *     for a refusal (nothing is stored under the key)
     * @param refusal for a refusal, which record broke which rule (for the quarantine entry and the
     *     signed rejection); empty otherwise
     */
    public record Result(MessageKey key, Status status, Optional<ContentDigest> storedDigest, Optional<String> refusal) {
        public Result {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(storedDigest, "storedDigest");
            Objects.requireNonNull(refusal, "refusal");
            if (status.refused() != storedDigest.isEmpty() || status.refused() != refusal.isPresent()) {
                throw new IllegalArgumentException(status + " needs " + (status.refused() ? "a refusal and no digest" : "a digest and no refusal"));
            }
        }

        /** The result of an {@code INSERTED}, {@code DUPLICATE} or {@code CONFLICT} message. */
        public Result(MessageKey key, Status status, ContentDigest storedDigest) {
            this(key, status, Optional.of(Objects.requireNonNull(storedDigest, "storedDigest")), Optional.empty());
        }

        /** A message refused by a reading rule (its key was free). */
        public static Result refused(MessageKey key, Status status, String detail) {
            return new Result(key, status, Optional.empty(), Optional.of(Objects.requireNonNull(detail, "detail")));
        }
    }
}
