package io.sensorproof.protocol.enroll;

import io.sensorproof.protocol.cose.VerificationKey;

/**
 * Body of {@code POST /api/v1/enroll} (JSON, field names as the components).
 *
 * @param token the one-time enrollment token
 * @param csr PKCS#10 certificate signing request in PEM, signed with the device key
 */
public record EnrollmentRequest(String token, String csr) {

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
