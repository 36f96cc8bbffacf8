package io.sensorproof.gateway.core;

import java.time.Instant;
import java.util.Objects;

/**
 * A refusal that proves something about a device, reported with its quarantine entry so that the
 * rules engine can count it as tamper evidence (issue 14): a conflicting duplicate
 * ({@link GatewayReason#CONFLICTING_DUPLICATE}) or a message signed after its key was revoked
 * ({@link GatewayReason#REVOKED_KEY}). Only the pipeline creates it, and only after the message's
 * signature verified under a key of {@code deviceId}; a bad signature never yields one, since anyone
 * can copy a kid onto a message.
 *
 * <p>The identity of a piece of evidence is (device, reason, kid, boot, seq, digest): a replay of
 * the same message is the same evidence, however often it arrives.
 *
 * @param deviceId the device whose key signed the message
 * @param reason {@code CONFLICTING_DUPLICATE} or {@code REVOKED_KEY}
 * @param kidHex the kid of the key that signed it (lower-case hex)
 * @param boot the message's boot counter
 * @param seq the message's sequence number
 * @param digest the message's content digest
 * @param receivedAt gateway receive time
 */
public record TamperReport(String deviceId, GatewayReason reason, String kidHex, long boot, long seq, ContentDigest digest,
        Instant receivedAt) {
    public TamperReport {
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(reason, "reason");
        if (reason != GatewayReason.CONFLICTING_DUPLICATE && reason != GatewayReason.REVOKED_KEY) {
            throw new IllegalArgumentException(reason + " is not tamper evidence");
        }
        Objects.requireNonNull(kidHex, "kidHex");
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(receivedAt, "receivedAt");
        if (boot < 0 || seq < 0) {
            throw new IllegalArgumentException("boot and seq must be >= 0");
        }
    }
}
