package io.sensorproof.protocol.message;

import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ProtocolException;
import io.sensorproof.protocol.cose.CoseSign;
import io.sensorproof.protocol.cose.CoseSign1;
import io.sensorproof.protocol.cose.VerificationKey;
import io.sensorproof.protocol.senml.ReadingPack;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A decoded reading message. Until {@link #verify(VerificationKey)} returns, nothing in it is
 * authenticated; {@link ReadingMessages#decode(byte[])} builds it without any cryptography.
 *
 * <p>{@link #contentDigest()} identifies the signed content independently of the signature bytes:
 * ECDSA and SM2 signatures are not unique (anyone can turn (r, s) into (r, n - s), and SM2 is
 * randomised), so two copies of one message may differ only in their signatures. Receivers compare
 * content digests, not raw bytes, to tell a retransmission from a conflicting message.
 *
 * <p>A hybrid message (COSE_Sign with a classical and an ML-DSA signature, ADR 029) has the
 * classical signer in its {@link #header()} and the ML-DSA signer in {@link #postQuantumSigner()};
 * it is verified only with both keys ({@link #verify(VerificationKey, VerificationKey)}).
 */
public final class ReadingMessage {
    private final byte[] raw;
    private final CoseSign1 cose;
    private final CoseSign hybrid;
    private final SignerId postQuantumSigner;
    private final MessageHeader header;
    private final ReadingPack pack;
    private boolean verified;

    ReadingMessage(byte[] raw, CoseSign1 cose, MessageHeader header, ReadingPack pack) {
        this.raw = raw;
        this.cose = cose;
        this.hybrid = null;
        this.postQuantumSigner = null;
        this.header = header;
        this.pack = pack;
    }

    ReadingMessage(byte[] raw, CoseSign hybrid, MessageHeader header, SignerId postQuantumSigner, ReadingPack pack) {
        this.raw = raw;
        this.cose = null;
        this.hybrid = hybrid;
        this.postQuantumSigner = postQuantumSigner;
        this.header = header;
        this.pack = pack;
    }

    /** Whether this is a hybrid message (COSE_Sign with a classical and an ML-DSA signature). */
    public boolean isHybrid() {
        return hybrid != null;
    }

    /** The ML-DSA signer of a hybrid message; empty for a single-signature message. */
    public Optional<SignerId> postQuantumSigner() {
        return Optional.ofNullable(postQuantumSigner);
    }

    /** The message exactly as received. */
    public byte[] raw() {
        return raw.clone();
    }

    /** The protected header. */
    public MessageHeader header() {
        return header;
    }

    /** The readings. */
    public ReadingPack pack() {
        return pack;
    }

    /** True once {@link #verify(VerificationKey)} succeeded. */
    public boolean isVerified() {
        return verified;
    }

    /**
     * SHA-256 of the COSE Sig_structure (protected header and payload): the content's identity. For a
     * hybrid message, SHA-256 of its two Sig_structures concatenated (classical first), which cover
     * the body header, both signer headers and the payload.
     */
    public byte[] contentDigest() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            if (hybrid != null) {
                sha.update(hybrid.toBeSigned(0));
                return sha.digest(hybrid.toBeSigned(1));
            }
            return sha.digest(cose.toBeSigned());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Verifies the message with the registered device key.
     *
     * @throws ProtocolException {@code UNKNOWN_KEY} when the key's kid is not the message's or the
     *     message is hybrid (it needs a second key), {@code ALG_MISMATCH} when alg and key disagree, {@code BAD_SIGNATURE}
     */
    public ReadingMessage verify(VerificationKey key) {
        if (hybrid != null) {
            throw new ProtocolException(ErrorCode.UNKNOWN_KEY, "message is hybrid: it is signed by " + header.kidHex() + " and "
                    + postQuantumSigner.kidHex() + " (" + postQuantumSigner.algorithm().label() + "), but only key " + key.kidHex()
                    + " is registered for it");
        }
        if (!Arrays.equals(key.kid(), header.kid())) {
            throw new ProtocolException(ErrorCode.UNKNOWN_KEY,
                    "message kid " + header.kidHex() + " is not the kid of key " + key.kidHex());
        }
        cose.verify(key);
        verified = true;
        return this;
    }

    /**
     * Verifies a hybrid message with the device's two registered keys: both signatures must verify,
     * each under its own key (ADR 029). The classical signature is checked first, and the exception
     * names the signature that failed.
     *
     * @throws ProtocolException {@code HYBRID_SIGNATURE_COUNT} when the message has one signature,
     *     {@code UNKNOWN_KEY} when a kid is not the kid of its key, {@code ALG_MISMATCH}, {@code BAD_SIGNATURE}
     */
    public ReadingMessage verify(VerificationKey classical, VerificationKey postQuantum) {
        if (hybrid == null) {
            throw new ProtocolException(ErrorCode.HYBRID_SIGNATURE_COUNT, "message has one signature (kid " + header.kidHex()
                    + "); its signer is registered with two keys and must sign with both");
        }
        if (!Arrays.equals(classical.kid(), header.kid())) {
            throw new ProtocolException(ErrorCode.UNKNOWN_KEY, "the classical signature's kid " + header.kidHex()
                    + " is not the kid of key " + classical.kidHex());
        }
        if (!Arrays.equals(postQuantum.kid(), postQuantumSigner.kid())) {
            throw new ProtocolException(ErrorCode.UNKNOWN_KEY, "the ML-DSA signature's kid " + postQuantumSigner.kidHex()
                    + " is not the kid of key " + postQuantum.kidHex());
        }
        hybrid.verify(0, classical);
        hybrid.verify(1, postQuantum);
        verified = true;
        return this;
    }

    /**
     * Resolves the key by kid and verifies; a hybrid message resolves both kids (that the two keys
     * belong to one device is the resolver's business: the gateway checks its registry's key group).
     *
     * @throws ProtocolException {@code UNKNOWN_KEY} when no key is registered under the kid
     */
    public ReadingMessage verify(KeyResolver keys) {
        if (hybrid != null) {
            VerificationKey classical = keys.resolve(header.kid()).orElseThrow(() ->
                    new ProtocolException(ErrorCode.UNKNOWN_KEY, "no key is registered under kid " + header.kidHex()));
            VerificationKey postQuantum = keys.resolve(postQuantumSigner.kid()).orElseThrow(() ->
                    new ProtocolException(ErrorCode.UNKNOWN_KEY, "no key is registered under kid " + postQuantumSigner.kidHex()));
            return verify(classical, postQuantum);
        }
        VerificationKey key = keys.resolve(header.kid()).orElseThrow(() ->
                new ProtocolException(ErrorCode.UNKNOWN_KEY, "no key is registered under kid " + header.kidHex()));
        return verify(key);
    }

    @Override
    public String toString() {
        return "ReadingMessage[" + pack.deviceId() + " " + header + (hybrid != null ? " + " + postQuantumSigner : "") + ", records=" + pack.readings().size()
                + ", digest=" + HexFormat.of().formatHex(contentDigest(), 0, 8) + "]";
    }
}
