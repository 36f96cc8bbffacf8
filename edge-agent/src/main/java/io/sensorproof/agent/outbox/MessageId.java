package io.sensorproof.agent.outbox;

import io.sensorproof.protocol.message.MessageHeader;
import java.util.Optional;

/**
 * Identity of a message within a device: the boot counter and the sequence number within that
 * boot. The pair is never reused, so it is the key of the outbox and of every acknowledgement.
 * Ordered by boot, then seq, which is the order the agent signs messages in.
 *
 * @param boot boot counter, in [0, 2^32)
 * @param seq sequence number within the boot, in [0, 2^32)
 */
public record MessageId(long boot, long seq) implements Comparable<MessageId> {
    /** The greatest identity. */
    static final MessageId MAX = new MessageId(MessageHeader.MAX_COUNTER, MessageHeader.MAX_COUNTER);

    public MessageId {
        if (boot < 0 || boot > MessageHeader.MAX_COUNTER || seq < 0 || seq > MessageHeader.MAX_COUNTER) {
            throw new IllegalArgumentException("boot and seq must be in [0, 2^32): " + boot + ":" + seq);
        }
    }

    @Override
    public int compareTo(MessageId other) {
        return boot != other.boot ? Long.compare(boot, other.boot) : Long.compare(seq, other.seq);
    }

    /** The identity right after this one in id order, empty after {@link #MAX}. */
    Optional<MessageId> successor() {
        if (seq < MessageHeader.MAX_COUNTER) {
            return Optional.of(new MessageId(boot, seq + 1));
        }
        return boot < MessageHeader.MAX_COUNTER ? Optional.of(new MessageId(boot + 1, 0)) : Optional.empty();
    }

    /** The identity right before this one in id order, empty for 0:0. */
    Optional<MessageId> predecessor() {
        if (seq > 0) {
            return Optional.of(new MessageId(boot, seq - 1));
        }
        return boot > 0 ? Optional.of(new MessageId(boot - 1, MessageHeader.MAX_COUNTER)) : Optional.empty();
    }

    @Override
    public String toString() {
        return boot + ":" + seq;
    }
}
