package io.sensorproof.gateway.enroll;

import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.VerificationKey;
import io.sensorproof.protocol.enroll.Pem;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;

/**
 * Checks a PEM PKCS#10 CSR step by step, so each failure has its own refusal code: parse
 * ({@code MALFORMED_CSR}), key type ({@code UNSUPPORTED_KEY}), self-signature = proof of possession
 * ({@code BAD_PROOF_OF_POSSESSION}). The subject is only compared with the token's identity.
 *
 * @param key the device key the CSR carries
 * @param commonName the subject's CN, if any
 * @param organization the subject's O, if any
 */
public record CsrCheck(VerificationKey key, Optional<String> commonName, Optional<String> organization) {
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();

    /**
     * Parses and verifies {@code pem}.
     *
     * @throws EnrollmentException MALFORMED_CSR, UNSUPPORTED_KEY or BAD_PROOF_OF_POSSESSION
     */
    public static CsrCheck verify(String pem) {
        PKCS10CertificationRequest csr;
        try {
            csr = new PKCS10CertificationRequest(Pem.decode("CERTIFICATE REQUEST", pem));
        } catch (IOException | RuntimeException e) {
            throw new EnrollmentException(EnrollmentRefusal.MALFORMED_CSR, "csr is not a PEM PKCS#10 certificate request: " + e.getMessage());
        }
        VerificationKey key;
        try {
            key = Keys.publicKeyFromSpki(csr.getSubjectPublicKeyInfo().getEncoded(ASN1Encoding.DER));
        } catch (IOException | RuntimeException e) {
            throw new EnrollmentException(EnrollmentRefusal.UNSUPPORTED_KEY,
                    "the CSR's key is not a supported device key (ES256 P-256, Ed25519, SM2, ML-DSA-44, ML-DSA-65): " + e.getMessage());
        }
        boolean valid;
        try {
            valid = csr.isSignatureValid(new JcaContentVerifierProviderBuilder().setProvider(BC).build(csr.getSubjectPublicKeyInfo()));
        } catch (OperatorCreationException | PKCSException | RuntimeException e) {
            valid = false;
        }
        if (!valid) {
            throw new EnrollmentException(EnrollmentRefusal.BAD_PROOF_OF_POSSESSION,
                    "the CSR's signature does not verify with the key it carries (no proof of possession)", Map.of("kid", key.kidHex()));
        }
        X500Name subject = csr.getSubject();
        return new CsrCheck(key, attribute(subject, BCStyle.CN), attribute(subject, BCStyle.O));
    }

    private static Optional<String> attribute(X500Name name, org.bouncycastle.asn1.ASN1ObjectIdentifier type) {
        RDN[] rdns = name == null ? new RDN[0] : name.getRDNs(type);
        return rdns.length == 0 ? Optional.empty()
                : Optional.of(IETFUtils.valueToString(rdns[0].getFirst().getValue())).filter(v -> !v.isEmpty());
    }

    /**
     * Refuses a subject that names another device or tenant; an empty subject, or one naming this
     * very device, is fine. Whatever it says, the certificate's identity is the token's.
     */
    public void requireSubjectMatches(String tenant, String device) {
        boolean cnOk = commonName.map(device::equals).orElse(true);
        boolean oOk = organization.map(tenant::equals).orElse(true);
        if (!cnOk || !oOk) {
            throw new EnrollmentException(EnrollmentRefusal.CSR_SUBJECT_MISMATCH,
                    "the CSR subject names another device than the token's; the identity comes from the token",
                    Map.of("csrCommonName", commonName.orElse(""), "csrOrganization", organization.orElse("")));
        }
    }
}
