package io.sensorproof.gateway.core.collateral;

import io.sensorproof.gateway.core.TamperReport;
import io.sensorproof.gateway.core.rules.TamperEvidence;
import io.sensorproof.gateway.core.rules.TamperKind;
import java.time.Instant;
import java.util.Objects;

/**
 * A refused message that is tamper evidence, as a TAMPERING alert shows it: which key signed what
 * (boot, seq, content digest) and when it arrived, so that a bank or an operator can find the message
 * in quarantine. The message keys of a tampering alert, next to the reading keys of a threshold alert.
 *
 * @param deviceId the device whose key signed the message
 * @param kind {@code CONFLICTING_DUPLICATE} or {@code REVOKED_KEY}
 * @param kid the signing key's kid, lower-case hex
 * @param boot the message's boot counter
 * @param seq the message's sequence number
 * @param digest the message's content digest, lower-case hex
 * @param receivedAt gateway receive time
 */
public record MessageEvidence(String deviceId, TamperKind kind, String kid, long boot, long seq, String digest,
        Instant receivedAt) {
    public MessageEvidence {
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(kid, "kid");
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(receivedAt, "receivedAt");
        if (boot < 0 || seq < 0) {
            throw new IllegalArgumentException("boot and seq must be >= 0");
        }
        if (kid.contains("/") || digest.contains("/")) {
            throw new IllegalArgumentException("kid and digest are hex");
        }
    }

    /** The evidence of a pipeline report. */
    public static MessageEvidence of(TamperReport report) {
        return new MessageEvidence(report.deviceId(), TamperKind.forRefusalCode(report.reason().name()).orElseThrow(),
                report.kidHex(), report.boot(), report.seq(), report.digest().hex(), report.receivedAt());
    }

    /** The rules engine's input: timed by the gateway's receive time, referenced as {@code kid/boot/seq/digest}. */
    public TamperEvidence toEngine() {
        return new TamperEvidence(deviceId, kind, receivedAt.toEpochMilli(), kid + "/" + boot + "/" + seq + "/" + digest);
    }

    /**
     * The evidence back from the engine's form ({@link #toEngine()}).
     *
     * @throws IllegalArgumentException when the reference is not {@code kid/boot/seq/digest}
     */
    public static MessageEvidence fromEngine(TamperEvidence e) {
        String[] parts = e.reference().split("/", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("tamper evidence reference is not kid/boot/seq/digest: " + e.reference());
        }
        return new MessageEvidence(e.device(), e.kind(), parts[0], Long.parseLong(parts[1]), Long.parseLong(parts[2]), parts[3],
                Instant.ofEpochMilli(e.timeMillis()));
    }
}
