package io.sensorproof.protocol.cose;

import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ProtocolException;

/**
 * The signature algorithms of the protocol and their COSE algorithm identifiers.
 *
 * <p>EdDSA is emitted as -8 (RFC 9053), which every COSE library understands; -19 (Ed25519, RFC
 * 9864) is accepted as the same algorithm. SM2 with SM3 has no registered COSE identifier, so it
 * uses {@value #SM2_SM3_ID}, from the private-use range below -65536. ML-DSA-44 and ML-DSA-65
 * (FIPS 204, pure mode with an empty context) use the identifiers of RFC 9964 (-48 and -49); they
 * are the post-quantum algorithms of the protocol (ADR 029).
 */
public enum SignatureAlgorithm {
    /** ECDSA on P-256 with SHA-256; signature is r || s, 32 bytes each (RFC 9053 section 2.1). */
    ES256(-7, "ES256"),
    /** Ed25519 (RFC 8032), pure mode; 64-byte signature. */
    EDDSA(-8, "EdDSA"),
    /** SM2 on sm2p256v1 with SM3 and the default user id "1234567812345678"; signature r || s. */
    SM2_SM3(SignatureAlgorithm.SM2_SM3_ID, "SM2-SM3"),
    /** ML-DSA-44 (FIPS 204), pure, empty context; 1,312-byte public key, 2,420-byte signature. */
    ML_DSA_44(-48, "ML-DSA-44"),
    /** ML-DSA-65 (FIPS 204), pure, empty context; 1,952-byte public key, 3,309-byte signature. */
    ML_DSA_65(-49, "ML-DSA-65");

    /** COSE algorithm identifier used for SM2 with SM3 (private use). */
    public static final int SM2_SM3_ID = -65601;
    /** The fully specified Ed25519 identifier of RFC 9864, accepted as {@link #EDDSA}. */
    public static final int ED25519_ID = -19;

    private final int coseId;
    private final String label;

    SignatureAlgorithm(int coseId, String label) {
        this.coseId = coseId;
        this.label = label;
    }

    /** The identifier this implementation emits in the {@code alg} header. */
    public int coseId() {
        return coseId;
    }

    /** The conventional name (ES256, EdDSA, SM2-SM3, ML-DSA-44, ML-DSA-65). */
    public String label() {
        return label;
    }

    /** Whether this is a post-quantum (ML-DSA) algorithm. */
    public boolean isPostQuantum() {
        return this == ML_DSA_44 || this == ML_DSA_65;
    }

    /** Length in bytes of every signature of this algorithm (FIPS 204 fixes ML-DSA's; the others are r || s or Ed25519's). */
    public int signatureLength() {
        return switch (this) {
            case ES256, EDDSA, SM2_SM3 -> 64;
            case ML_DSA_44 -> 2420;
            case ML_DSA_65 -> 3309;
        };
    }

    /**
     * Maps a COSE {@code alg} value to an algorithm.
     *
     * @throws ProtocolException {@code UNSUPPORTED_ALG} for any other value
     */
    public static SignatureAlgorithm fromCoseId(long id) {
        if (id == ES256.coseId) {
            return ES256;
        }
        if (id == EDDSA.coseId || id == ED25519_ID) {
            return EDDSA;
        }
        if (id == SM2_SM3_ID) {
            return SM2_SM3;
        }
        if (id == ML_DSA_44.coseId) {
            return ML_DSA_44;
        }
        if (id == ML_DSA_65.coseId) {
            return ML_DSA_65;
        }
        throw new ProtocolException(ErrorCode.UNSUPPORTED_ALG, "alg " + id
                + " is not supported; use ES256 (-7), EdDSA (-8 or -19), SM2-SM3 (" + SM2_SM3_ID + "), ML-DSA-44 (-48) or ML-DSA-65 (-49)");
    }

    /**
     * Maps a conventional name (case-insensitive) to an algorithm, for configuration and CLIs.
     *
     * @throws ProtocolException {@code UNSUPPORTED_ALG} for an unknown name
     */
    public static SignatureAlgorithm fromLabel(String label) {
        for (SignatureAlgorithm a : values()) {
            if (a.label.equalsIgnoreCase(label) || a.name().equalsIgnoreCase(label)) {
                return a;
            }
        }
        throw new ProtocolException(ErrorCode.UNSUPPORTED_ALG, "unknown algorithm name '" + label + "'; use ES256, EdDSA, SM2-SM3, ML-DSA-44 or ML-DSA-65");
    }
}
