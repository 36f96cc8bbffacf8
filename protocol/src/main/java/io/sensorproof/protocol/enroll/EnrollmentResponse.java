package io.sensorproof.protocol.enroll;

import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ProtocolException;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.VerificationKey;
import io.sensorproof.protocol.ids.Identifiers;
import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Response of {@code POST /api/v1/enroll} (JSON, field names as the components).
 *
 * @param tenantId the tenant the device belongs to
 * @param deviceId the device id, taken from the token, never from the CSR
 * @param certificateChain PEM certificates: the device certificate first, the CA certificate last
 * @param ackKey the key the gateway signs acknowledgements with
 * @param renewalToken a fresh one-time token for this device's next renewal or re-key through the
 *     same exchange, valid until the certificate expires; null when the gateway issues none
 */
public record EnrollmentResponse(String tenantId, String deviceId, List<String> certificateChain, AckKey ackKey,
        String renewalToken) {

    /** A response without a renewal token. */
    public EnrollmentResponse(String tenantId, String deviceId, List<String> certificateChain, AckKey ackKey) {
        this(tenantId, deviceId, certificateChain, ackKey, null);
    }

    /**
     * The gateway's acknowledgement key.
     *
     * @param alg algorithm label (ES256, EdDSA, SM2-SM3)
     * @param spki SubjectPublicKeyInfo DER, base64 (standard alphabet, padded)
     * @param kid the key's kid, lowercase hex
     */
    public record AckKey(String alg, String spki, String kid) {
        /** Builds the entry for {@code key}. */
        public static AckKey of(VerificationKey key) {
            return new AckKey(key.algorithm().label(), Base64.getEncoder().encodeToString(key.spki()), key.kidHex());
        }

        /**
         * Parses and checks the key: the algorithm and kid must match the SPKI.
         *
         * @throws ProtocolException {@code INVALID_ENROLLMENT} or {@code INVALID_KEY}
         */
        public VerificationKey toKey() {
            VerificationKey key;
            try {
                key = Keys.publicKeyFromSpki(Base64.getDecoder().decode(spki));
            } catch (IllegalArgumentException e) {
                throw new ProtocolException(ErrorCode.INVALID_ENROLLMENT, "ack key is not base64", e);
            }
            if (key.algorithm() != SignatureAlgorithm.fromLabel(alg) || !key.kidHex().equals(kid)) {
                throw new ProtocolException(ErrorCode.INVALID_ENROLLMENT, "ack key alg or kid does not match its SPKI");
            }
            return key;
        }
    }

    /**
     * What an agent checks before it trusts the response: the ids follow the grammar, the first
     * certificate holds {@code deviceKey}, each certificate is signed by the next, and the last is
     * the CA pinned by {@code token}; a renewal token, when present, is well-formed.
     *
     * @return the gateway's acknowledgement key
     * @throws ProtocolException {@code INVALID_ENROLLMENT} when any check fails
     */
    public VerificationKey verify(EnrollmentToken token, VerificationKey deviceKey) {
        Identifiers.requireValid(tenantId, "tenant id");
        Identifiers.requireValid(deviceId, "device id");
        if (certificateChain == null || certificateChain.isEmpty() || certificateChain.size() > 8) {
            throw new ProtocolException(ErrorCode.INVALID_ENROLLMENT, "certificate chain must hold 1 to 8 certificates");
        }
        List<X509Certificate> chain = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509", new BouncyCastleProvider());
            for (String pem : certificateChain) {
                chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(Pem.decode("CERTIFICATE", pem))));
            }
            if (!Arrays.equals(chain.get(0).getPublicKey().getEncoded(), deviceKey.spki())
                    && !Keys.publicKeyFromSpki(chain.get(0).getPublicKey().getEncoded()).equals(deviceKey)) {
                throw new ProtocolException(ErrorCode.INVALID_ENROLLMENT, "device certificate does not hold the device key");
            }
            for (int i = 0; i + 1 < chain.size(); i++) {
                chain.get(i).verify(chain.get(i + 1).getPublicKey(), new BouncyCastleProvider());
            }
            X509Certificate ca = chain.get(chain.size() - 1);
            ca.verify(ca.getPublicKey(), new BouncyCastleProvider());
            if (!Arrays.equals(EnrollmentToken.fingerprint(ca.getEncoded()), token.caFingerprint())) {
                throw new ProtocolException(ErrorCode.INVALID_ENROLLMENT, "CA certificate is not the one pinned by the token");
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            if (e instanceof ProtocolException pe) {
                throw pe;
            }
            throw new ProtocolException(ErrorCode.INVALID_ENROLLMENT, "certificate chain does not verify: " + e.getMessage(), e);
        }
        if (ackKey == null) {
            throw new ProtocolException(ErrorCode.INVALID_ENROLLMENT, "response has no ack key");
        }
        if (renewalToken != null) {
            EnrollmentToken.parse(renewalToken);
        }
        return ackKey.toKey();
    }
}
