package io.sensorproof.gateway.enroll;

import java.util.Objects;

/**
 * A certificate revocation list of the device CA could not be built; {@link #code()} says why in a
 * stable form (logged and, through the API's mapper, returned as a 500's code).
 */
public class CrlException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why a CRL could not be built. */
    public enum Code {
        /** The signing key is not the key of the CA certificate named as issuer. */
        CRL_KEY_MISMATCH,
        /** nextUpdate is not after thisUpdate, or the CRL number is negative. */
        CRL_INVALID_PARAMETERS,
        /** A listed certificate serial is not positive. */
        CRL_INVALID_SERIAL,
        /** The issuer certificate may not sign CRLs (no cRLSign key usage, or not a CA). */
        CRL_ISSUER_NOT_A_CRL_SIGNER,
        /** The cryptographic provider failed. */
        CRL_SIGNING_FAILED
    }

    private final Code code;

    public CrlException(Code code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    public CrlException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** The stable code. */
    public Code code() {
        return code;
    }
}
