package io.sensorproof.gateway.core;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * A refused message, kept whole with the reason so that a person can act on it and nothing that
 * might be genuine is lost.
 *
 * @param reason the rejection code
 * @param raw the message bytes exactly as received, never truncated
 * @param claimedDevice the device the message is about: the registered device when
 *     {@code authenticated}, else the topic's device, else the pack's base name; empty when none
 *     could be read
 * @param authenticated true when the signature verified, so {@code claimedDevice} is proven;
 *     false means the claim is only what the sender wrote
 * @param kidHex the message's key identifier, when the message decoded that far
 * @param boot the header's boot counter, when decoded (-1 otherwise)
 * @param seq the header's sequence number, when decoded (-1 otherwise)
 * @param topic the topic it arrived on
 * @param sourceConnectionId the connection that delivered it
 * @param receivedAt gateway receive time
 * @param detail what exactly was wrong, for a person
 * @param tamper when the refusal is tamper evidence about the device ({@link TamperReport}): the
 *     quarantine keeps it in the same transaction as the entry, so evidence exists exactly when its
 *     refused message is kept
 */
public record QuarantineEntry(ReasonCode reason, byte[] raw, Optional<String> claimedDevice, boolean authenticated,
        Optional<String> kidHex, long boot, long seq, String topic, String sourceConnectionId, Instant receivedAt, String detail,
        Optional<TamperReport> tamper) {
    /** An entry that is no tamper evidence. */
    public QuarantineEntry(ReasonCode reason, byte[] raw, Optional<String> claimedDevice, boolean authenticated,
            Optional<String> kidHex, long boot, long seq, String topic, String sourceConnectionId, Instant receivedAt,
            String detail) {
        this(reason, raw, claimedDevice, authenticated, kidHex, boot, seq, topic, sourceConnectionId, receivedAt, detail,
                Optional.empty());
    }

    public QuarantineEntry {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(raw, "raw");
        Objects.requireNonNull(claimedDevice, "claimedDevice");
        Objects.requireNonNull(kidHex, "kidHex");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(sourceConnectionId, "sourceConnectionId");
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(detail, "detail");
        if (authenticated && claimedDevice.isEmpty()) {
            throw new IllegalArgumentException("an authenticated entry names its device");
        }
        Objects.requireNonNull(tamper, "tamper");
        if (tamper.isPresent() && !(authenticated && claimedDevice.get().equals(tamper.get().deviceId())
                && reason.name().equals(tamper.get().reason().name()))) {
            throw new IllegalArgumentException("tamper evidence belongs to an authenticated entry of its device and reason");
        }
        raw = raw.clone();
    }

    @Override
    public byte[] raw() {
        return raw.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QuarantineEntry e && reason.equals(e.reason) && Arrays.equals(raw, e.raw)
                && claimedDevice.equals(e.claimedDevice) && authenticated == e.authenticated && kidHex.equals(e.kidHex)
                && boot == e.boot && seq == e.seq && topic.equals(e.topic) && sourceConnectionId.equals(e.sourceConnectionId)
                && receivedAt.equals(e.receivedAt) && detail.equals(e.detail) && tamper.equals(e.tamper);
    }

    @Override
    public int hashCode() {
        return Objects.hash(reason, Arrays.hashCode(raw), sourceConnectionId, receivedAt);
    }

    @Override
    public String toString() {
        return "QuarantineEntry[" + reason + ", " + raw.length + " bytes, device=" + claimedDevice.orElse("?")
                + (authenticated ? " (authenticated)" : "") + ", from " + sourceConnectionId + ": " + detail + "]";
    }
}
