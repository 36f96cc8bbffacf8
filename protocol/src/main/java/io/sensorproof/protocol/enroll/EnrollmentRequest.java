package io.sensorproof.protocol.enroll;

import io.sensorproof.protocol.cose.VerificationKey;

/**
 * Body of {@code POST /api/v1/enroll} (JSON, field names as the components).
 *
 * @param token the one-time enrollment token
 * @param csr PKCS#10 certificate signing request in PEM, signed with the device key
 * @param postQuantumCsr for a hybrid device (ADR 029), the PKCS#10 request of its ML-DSA key, signed with
 *     that key (its proof of possession); null for a single-key device. The certificate is issued for the
 *     key of {@code csr}; the ML-DSA key is registered with it as the device's key group.
 */
public record EnrollmentRequest(String token, String csr, String postQuantumCsr) {
    /** A single-key request. */
    public EnrollmentRequest(String token, String csr) {
        this(token, csr, null);
    }

    /**
     * Checks the token format and the CSR's proof of possession.
     *
     * @return the device key the CSR carries
     * @throws io.sensorproof.protocol.ProtocolException {@code INVALID_ENROLLMENT} or {@code INVALID_KEY}
     */
    public VerificationKey validate() {
        EnrollmentToken.parse(token);
        return CertificateRequests.parseAndVerify(csr);
    }
}
