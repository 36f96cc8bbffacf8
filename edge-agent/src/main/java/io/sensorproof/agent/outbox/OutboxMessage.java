package io.sensorproof.agent.outbox;

import java.util.Arrays;
import java.util.Objects;

/**
 * A signed message as appended to the outbox and as read back from it: its identity, how many
 * readings it carries (so that a dropped message can be accounted for in readings) and the exact
 * signed bytes that go on the wire.
 *
 * <p>The array is not copied, to keep the send path free of extra copies: treat it as read-only.
 * Equality compares the bytes by content.
 *
 * @param id the message identity
 * @param readings number of readings in the message, not negative
 * @param bytes the signed message, 1 to {@link #MAX_BYTES} bytes
 */
public record OutboxMessage(MessageId id, int readings, byte[] bytes) {
    /** Largest message the outbox accepts (1 MiB, far above the protocol's message limit). */
    public static final int MAX_BYTES = 1 << 20;

    public OutboxMessage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(bytes, "bytes");
        if (readings < 0) {
            throw new IllegalArgumentException("readings must not be negative: " + readings);
        }
        if (bytes.length == 0 || bytes.length > MAX_BYTES) {
            throw new IllegalArgumentException("message " + id + " must have 1 to " + MAX_BYTES + " bytes, has " + bytes.length);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OutboxMessage m && id.equals(m.id) && readings == m.readings && Arrays.equals(bytes, m.bytes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, readings, Arrays.hashCode(bytes));
    }

    @Override
    public String toString() {
        return "OutboxMessage[id=" + id + ", readings=" + readings + ", bytes=" + bytes.length + " bytes]";
    }
}
