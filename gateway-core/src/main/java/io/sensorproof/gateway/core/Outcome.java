package io.sensorproof.gateway.core;

import java.util.Objects;
import java.util.Optional;

/**
 * What the pipeline decided for one inbound message, and the signed reply (if any) that was handed
 * to the {@link Acknowledger}.
 */
public sealed interface Outcome permits Outcome.Stored, Outcome.Duplicate, Outcome.Rejected, Outcome.Deferred {

    /** The signed acknowledgement or rejection for the device, if one is due. */
    Optional<Reply> reply();

    /**
     * Stored in this batch's transaction; {@code ack} names (boot, seq) as stored.
     *
     * @param key (device, boot, seq)
     * @param ack the signed acknowledgement
     */
    record Stored(MessageKey key, Reply ack) implements Outcome {
        public Stored {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(ack, "ack");
        }

        @Override
        public Optional<Reply> reply() {
            return Optional.of(ack);
        }
    }

    /**
     * Already stored with the same content (a retransmission): nothing written, acknowledged again.
     *
     * @param key (device, boot, seq)
     * @param ack the signed acknowledgement
     */
    record Duplicate(MessageKey key, Reply ack) implements Outcome {
        public Duplicate {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(ack, "ack");
        }

        @Override
        public Optional<Reply> reply() {
            return Optional.of(ack);
        }
    }

    /**
     * Refused for good.
     *
     * @param reason the rejection code
     * @param detail what was wrong, for a person
     * @param authenticated true when the signature verified (the refusal is about the device's own
     *     signed content); only then can {@code signedRejection} be present
     * @param kept true when the message was kept in quarantine; false only for an unauthenticated
     *     message over its connection's quarantine quota (counted, not kept)
     * @param signedRejection the signed rejection naming (boot, seq), when the code calls for one
     * @param claim device, boot and seq as far as the message told them (proven when authenticated)
     */
    record Rejected(ReasonCode reason, String detail, boolean authenticated, boolean kept, Optional<Reply> signedRejection,
            MessageClaim claim) implements Outcome {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
            Objects.requireNonNull(signedRejection, "signedRejection");
            Objects.requireNonNull(claim, "claim");
            if (signedRejection.isPresent() && !(authenticated && kept)) {
                throw new IllegalArgumentException("a signed rejection is sent only for an authenticated message that was kept");
            }
        }

        @Override
        public Optional<Reply> reply() {
            return signedRejection;
        }
    }

    /**
     * Not decided: a port failed (registry, store or quarantine unavailable), so nothing about this
     * message is durable and nothing is sent. The device resends because it gets no answer; the
     * resend is decided afresh (and is a duplicate if the store in fact committed).
     *
     * @param cause what failed
     */
    record Deferred(String cause) implements Outcome {
        public Deferred {
            Objects.requireNonNull(cause, "cause");
        }

        @Override
        public Optional<Reply> reply() {
            return Optional.empty();
        }
    }
}
