package io.sensorproof.agent.outbox;

import java.util.Arrays;
import java.util.Objects;

/**
 * A message the gateway rejected for good, kept aside on the device with its reason so an operator
 * can inspect it; it is never resent. The array is not copied; equality compares it by content.
 *
 * @param id the message identity
 * @param code stable reason code (the gateway's, or {@code OUTBOX_CORRUPT} when the outbox found the record damaged)
 * @param message human-readable reason
 * @param bytes the message bytes as they were in the outbox
 * @param keptAtMillis when it was kept aside, ms since the epoch
 */
public record KeptAside(MessageId id, String code, String message, byte[] bytes, long keptAtMillis) {
    public KeptAside {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(bytes, "bytes");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeptAside k && id.equals(k.id) && code.equals(k.code) && message.equals(k.message)
                && Arrays.equals(bytes, k.bytes) && keptAtMillis == k.keptAtMillis;
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, code, message, Arrays.hashCode(bytes), keptAtMillis);
    }

    @Override
    public String toString() {
        return "KeptAside[id=" + id + ", code=" + code + ", message=" + message + ", bytes=" + bytes.length
                + " bytes, keptAtMillis=" + keptAtMillis + "]";
    }
}
