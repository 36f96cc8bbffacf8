package io.sensorproof.protocol.enroll;

import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A one-time enrollment token: {@code et1.<secret>.<ca>} where {@code secret} is 32 random bytes in
 * unpadded base64url (43 characters) and {@code ca} is the SHA-256 fingerprint of the device CA
 * certificate (DER) in lowercase hex, which the agent pins when it checks the returned chain. The
 * gateway stores only {@link #storageHash()}; the binding to one device, single use and expiry are
 * kept by the gateway with that hash.
 *
 * @param value the token string
 * @param caFingerprint the pinned CA fingerprint (32 bytes)
 */
public record EnrollmentToken(String value, byte[] caFingerprint) {
    private static final Pattern FORMAT = Pattern.compile("et1\\.([A-Za-z0-9_-]{43})\\.([0-9a-f]{64})");

    /** Creates a fresh token pinning the CA certificate {@code caCertificateDer}. */
    public static EnrollmentToken generate(byte[] caCertificateDer, SecureRandom random) {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        byte[] fingerprint = sha256(caCertificateDer);
        String value = "et1." + Base64.getUrlEncoder().withoutPadding().encodeToString(secret) + "." + HexFormat.of().formatHex(fingerprint);
        return new EnrollmentToken(value, fingerprint);
    }

    /**
     * Parses a token string.
     *
     * @throws ProtocolException {@code INVALID_ENROLLMENT} when it does not follow the format
     */
    public static EnrollmentToken parse(String value) {
        Matcher m = value == null ? null : FORMAT.matcher(value);
        if (m == null || !m.matches()) {
            throw new ProtocolException(ErrorCode.INVALID_ENROLLMENT, "enrollment token must have the form et1.<43 base64url>.<64 hex>");
        }
        return new EnrollmentToken(value, HexFormat.of().parseHex(m.group(2)));
    }

    @Override
    public byte[] caFingerprint() {
        return caFingerprint.clone();
    }

    /** SHA-256 of the token string, lowercase hex: what the gateway stores instead of the token. */
    public String storageHash() {
        return HexFormat.of().formatHex(sha256(value.getBytes(StandardCharsets.US_ASCII)));
    }

    /** SHA-256 fingerprint of a certificate's DER encoding. */
    public static byte[] fingerprint(byte[] certificateDer) {
        return sha256(certificateDer);
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "EnrollmentToken[ca=" + HexFormat.of().formatHex(caFingerprint, 0, 8) + "...]";
    }
}
