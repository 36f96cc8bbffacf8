package io.sensorproof.protocol.message;

import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ProtocolException;
import io.sensorproof.protocol.cose.CoseSign1;
import io.sensorproof.protocol.cose.VerificationKey;
import io.sensorproof.protocol.senml.ReadingPack;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A decoded reading message. Until {@link #verify(VerificationKey)} returns, nothing in it is
 * authenticated; {@link ReadingMessages#decode(byte[])} builds it without any cryptography.
 *
 * <p>{@link #contentDigest()} identifies the signed content independently of the signature bytes:
 * ECDSA and SM2 signatures are not unique (anyone can turn (r, s) into (r, n - s), and SM2 is
 * randomised), so two copies of one message may differ only in their signatures. Receivers compare
 * content digests, not raw bytes, to tell a retransmission from a conflicting message.
 */
public final class ReadingMessage {
    private final byte[] raw;
    private final CoseSign1 cose;
    private final MessageHeader header;
    private final ReadingPack pack;
    private boolean verified;

    ReadingMessage(byte[] raw, CoseSign1 cose, MessageHeader header, ReadingPack pack) {
        this.raw = raw;
        this.cose = cose;
        this.header = header;
        this.pack = pack;
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

    /** SHA-256 of the COSE Sig_structure (protected header and payload): the content's identity. */
    public byte[] contentDigest() {
        try {
            return MessageDigest.getInstance("SHA-256").digest(cose.toBeSigned());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Verifies the message with the registered device key.
     *
     * @throws ProtocolException {@code UNKNOWN_KEY} when the key's kid is not the message's,
     *     {@code ALG_MISMATCH} when alg and key disagree, {@code BAD_SIGNATURE}
     */
    public ReadingMessage verify(VerificationKey key) {
        if (!Arrays.equals(key.kid(), header.kid())) {
            throw new ProtocolException(ErrorCode.UNKNOWN_KEY,
                    "message kid " + header.kidHex() + " is not the kid of key " + key.kidHex());
        }
        cose.verify(key);
        verified = true;
        return this;
    }

    /**
     * Resolves the key by kid and verifies.
     *
     * @throws ProtocolException {@code UNKNOWN_KEY} when no key is registered under the kid
     */
    public ReadingMessage verify(KeyResolver keys) {
        VerificationKey key = keys.resolve(header.kid()).orElseThrow(() ->
                new ProtocolException(ErrorCode.UNKNOWN_KEY, "no key is registered under kid " + header.kidHex()));
        return verify(key);
    }

    @Override
    public String toString() {
        return "ReadingMessage[" + pack.deviceId() + " " + header + ", records=" + pack.readings().size()
                + ", digest=" + HexFormat.of().formatHex(contentDigest(), 0, 8) + "]";
    }
}
