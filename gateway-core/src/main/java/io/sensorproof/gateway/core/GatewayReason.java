package io.sensorproof.gateway.core;

/**
 * Reason codes the gateway adds to the protocol's {@link io.sensorproof.protocol.ErrorCode}s. Together
 * they form one namespace of rejection codes (see {@link ReasonCode}); the names travel in signed
 * rejections, quarantine records and metrics, so they never change meaning and are never reused.
 *
 * <p>{@link #signedRejection()} says whether the device is sent a signed rejection naming the
 * message's (boot, seq). Only codes found <em>after</em> the signature verified may say yes: a
 * rejection makes the agent set the message aside for good, so answering an unauthenticated message
 * would let anyone who copies a device's kid make it drop a genuine message with the same (boot, seq).
 */
public enum GatewayReason {
    /**
     * The topic is not an uplink topic, or its tenant or device is not the tenant and id of the
     * device registered under the message's kid. Found before the signature check: no reply.
     */
    TOPIC_MISMATCH(false, "topic tenant/device is not the key's registered device"),
    /**
     * The transport authenticated another device than the one the path names (CoAP over DTLS: the
     * client certificate's or raw public key's device is not {@code t/{tenant}/d/{device}}). Found
     * before the signature check: no reply.
     */
    PEER_MISMATCH(false, "the transport-authenticated device is not the one the path names"),
    /** The pack's base name is not the id of the device registered under the kid. No reply. */
    BN_MISMATCH(false, "pack base name is not the key's registered device"),
    /**
     * The device registered under the kid is suspended or revoked. No reply: a suspended device
     * keeps its messages and delivers them once it is active again.
     */
    DEVICE_INACTIVE(false, "device is suspended or revoked"),
    /**
     * Tamper evidence (issue 14): the message's signature verified under a key of the device that has
     * been revoked (ADR 010; a device's revocation revokes all its keys), and it was signed after the
     * revocation (its signed device time is later than the revocation plus the future-skew allowance),
     * so the revoked key is in someone's hands. Any other message under a revoked key (bad signature,
     * other alg, or signed before: a capture that anyone can replay) is {@link #DEVICE_INACTIVE} as
     * before and proves nothing. No reply: the key is no longer trusted.
     */
    REVOKED_KEY(false, "signed with a revoked key of the device after its revocation"),
    /**
     * The device signed a second, different content under a (boot, seq) that is already stored.
     * The stored message stands; the new one is quarantined, an operator alert is raised and the
     * device is told (signed) that this (boot, seq) is taken, so it sets its copy aside instead of
     * resending it for ever.
     */
    CONFLICTING_DUPLICATE(true, "another content is already stored under this (boot, seq)"),
    /** A reading's time lies further ahead of the gateway's receive time than the skew window allows. */
    FUTURE_TIMESTAMP(true, "reading time is too far ahead of the gateway clock"),
    /**
     * Reserved for the adapters' per-device or per-connection rate limits, which refuse messages
     * before the pipeline sees them. The pipeline's own quarantine quota never rejects a message; it
     * only limits how many rejected ones are kept.
     */
    QUOTA_EXCEEDED(false, "ingest quota exceeded"),
    /**
     * The gateway failed unexpectedly while checking the message (a bug, not the sender's fault).
     * The message is quarantined whole so that it can be processed again; no reply.
     */
    INTERNAL_ERROR(false, "gateway failed to check the message"),
    /**
     * The device is registered with a classical and an ML-DSA key (hybrid, ADR 029) but the message
     * carries one signature. Refused before any cryptography and unanswered: a forger who breaks one
     * scheme must not get a signed reply for a message the other scheme does not vouch for.
     */
    HYBRID_REQUIRED(false, "the device is registered as hybrid and must sign with both of its keys");

    private final boolean signedRejection;
    private final String summary;

    GatewayReason(boolean signedRejection, String summary) {
        this.signedRejection = signedRejection;
        this.summary = summary;
    }

    /** True when an authenticated message refused with this code gets a signed rejection. */
    public boolean signedRejection() {
        return signedRejection;
    }

    /** A short, human-readable summary. */
    public String summary() {
        return summary;
    }
}
