package io.sensorproof.gateway.enroll;

/**
 * Why {@code POST /api/v1/enroll} refused a request: a stable code (the {@code code} of the error
 * body and the {@code code} tag of {@code sensorproof_enrollment_refused_total}) and its HTTP status.
 */
public enum EnrollmentRefusal {
    /** The body is not {@code {token, csr}} JSON. */
    MALFORMED_REQUEST(400, "request body must be {token, csr}"),
    /** The token does not follow {@code et1.<43 base64url>.<64 hex>}. */
    MALFORMED_TOKEN(400, "enrollment token is malformed"),
    /** The CSR is not a PEM PKCS#10 request. */
    MALFORMED_CSR(400, "CSR is not a PEM PKCS#10 certificate request"),
    /** The CSR's signature does not verify with the key it carries (no proof of possession). */
    BAD_PROOF_OF_POSSESSION(400, "CSR signature does not verify with its own key"),
    /** The CSR's key is not ES256 (P-256), Ed25519 or SM2. */
    UNSUPPORTED_KEY(400, "key type is not supported"),
    /** The CSR subject names another device or tenant than the token (the identity comes from the token). */
    CSR_SUBJECT_MISMATCH(400, "CSR subject names another device than the token"),
    /** No token with this hash exists. */
    UNKNOWN_TOKEN(401, "enrollment token is unknown"),
    /** The token's lifetime is over. */
    TOKEN_EXPIRED(401, "enrollment token has expired"),
    /** A newer token was issued for the device, or the device was revoked. */
    TOKEN_SUPERSEDED(401, "enrollment token was replaced by a newer one or voided"),
    /** The token was used with another key, or a later enrollment of the device followed. */
    TOKEN_ALREADY_USED(409, "enrollment token has already been used"),
    /** The request names a device and the token is bound to another one. */
    TOKEN_FOR_OTHER_DEVICE(403, "enrollment token is bound to another device"),
    /** The CA the token pins is no longer trusted (rotated out). */
    TOKEN_CA_NOT_TRUSTED(401, "the CA pinned by the token is no longer trusted"),
    /** The device is suspended or revoked. */
    DEVICE_INACTIVE(403, "device is suspended or revoked"),
    /** The key belongs to another device, or is a replaced key of this one. */
    KEY_ALREADY_REGISTERED(409, "key is already registered"),
    /** The key was revoked. */
    KEY_REVOKED(409, "key is revoked"),
    /** The device is hybrid (ADR 029) and the request has no {@code postQuantumCsr}: a re-key or renewal must not drop the ML-DSA key. */
    HYBRID_KEY_REQUIRED(409, "the device is hybrid: the request must carry its ML-DSA key (postQuantumCsr)"),
    /** A hybrid request pairs other algorithms than ES256/EdDSA with ML-DSA-44/65. */
    HYBRID_ALGORITHMS(400, "a hybrid device pairs an ES256 or EdDSA key with an ML-DSA-44 or ML-DSA-65 key"),
    /** A renewal names another ML-DSA key than the one registered with the device's current key (a re-key replaces both). */
    HYBRID_KEY_MISMATCH(409, "the ML-DSA key is not the one registered with the device's current key"),
    /** Too many enrollment requests are being processed; retry later. */
    ENROLLMENT_BUSY(503, "too many enrollment requests at once");

    private final int status;
    private final String summary;

    EnrollmentRefusal(int status, String summary) {
        this.status = status;
        this.summary = summary;
    }

    /** HTTP status of the refusal. */
    public int status() {
        return status;
    }

    /** A short summary. */
    public String summary() {
        return summary;
    }
}
