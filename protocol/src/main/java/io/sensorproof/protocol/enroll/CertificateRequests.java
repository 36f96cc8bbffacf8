package io.sensorproof.protocol.enroll;

import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ProtocolException;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.cose.VerificationKey;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * PKCS#10 certificate signing requests for enrollment, signed with the device key (proof of
 * possession): SHA256withECDSA for ES256 keys, Ed25519 for EdDSA keys, SM3withSM2 for SM2 keys,
 * ML-DSA-44 / ML-DSA-65 (pure, RFC 9881) for ML-DSA keys.
 * The CA takes the device identity from the enrollment token, never from the CSR subject.
 */
public final class CertificateRequests {
    private static final Provider BC = new BouncyCastleProvider();

    private CertificateRequests() {
    }

    /** Creates a PEM CSR for {@code key} with subject CN={@code commonName}. */
    public static String create(SigningKey key, String commonName) {
        try {
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
            PublicKey publicKey = toJcaPublic(key.verificationKey());
            PrivateKey privateKey = toJcaPrivate(key);
            ContentSigner signer = new JcaContentSignerBuilder(signatureAlgorithm(key.algorithm())).setProvider(BC).build(privateKey);
            PKCS10CertificationRequest csr = new JcaPKCS10CertificationRequestBuilder(subject, publicKey).build(signer);
            return Pem.encode("CERTIFICATE REQUEST", csr.getEncoded());
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot create CSR", e);
        }
    }

    /**
     * Parses a PEM CSR, checks its self-signature, and returns the device key it carries.
     *
     * @throws ProtocolException {@code INVALID_ENROLLMENT} for a malformed CSR or a bad
     *     signature, {@code INVALID_KEY} for an unsupported key
     */
    public static VerificationKey parseAndVerify(String pem) {
        PKCS10CertificationRequest csr;
        try {
            csr = new PKCS10CertificationRequest(Pem.decode("CERTIFICATE REQUEST", pem));
        } catch (IOException | RuntimeException e) {
            if (e instanceof ProtocolException pe) {
                throw pe;
            }
            throw new ProtocolException(ErrorCode.INVALID_ENROLLMENT, "CSR is not valid PKCS#10: " + e.getMessage(), e);
        }
        VerificationKey key;
        try {
            key = Keys.publicKeyFromSpki(csr.getSubjectPublicKeyInfo().getEncoded(ASN1Encoding.DER));
        } catch (IOException e) {
            throw new ProtocolException(ErrorCode.INVALID_ENROLLMENT, "CSR key cannot be encoded", e);
        }
        try {
            if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().setProvider(BC).build(csr.getSubjectPublicKeyInfo()))) {
                throw new ProtocolException(ErrorCode.INVALID_ENROLLMENT, "CSR signature does not verify with its own key");
            }
        } catch (OperatorCreationException | PKCSException | RuntimeException e) {
            if (e instanceof ProtocolException pe) {
                throw pe;
            }
            throw new ProtocolException(ErrorCode.INVALID_ENROLLMENT, "CSR signature cannot be checked: " + e.getMessage(), e);
        }
        return key;
    }

    /** The JCA signature algorithm name used for certificates and CSRs of {@code algorithm}. */
    public static String signatureAlgorithm(SignatureAlgorithm algorithm) {
        return switch (algorithm) {
            case ES256 -> "SHA256withECDSA";
            case EDDSA -> "Ed25519";
            case SM2_SM3 -> "SM3withSM2";
            case ML_DSA_44, ML_DSA_65 -> algorithm.label();
        };
    }

    /** The key as a JCA public key (BouncyCastle provider). */
    public static PublicKey toJcaPublic(VerificationKey key) throws GeneralSecurityException {
        return KeyFactory.getInstance(jcaKeyAlgorithm(key.algorithm()), BC).generatePublic(new X509EncodedKeySpec(key.spki()));
    }

    /** The key as a JCA private key (BouncyCastle provider). */
    public static PrivateKey toJcaPrivate(SigningKey key) throws GeneralSecurityException {
        return KeyFactory.getInstance(jcaKeyAlgorithm(key.algorithm()), BC).generatePrivate(new PKCS8EncodedKeySpec(Keys.toPkcs8(key)));
    }

    private static String jcaKeyAlgorithm(SignatureAlgorithm algorithm) {
        return switch (algorithm) {
            case EDDSA -> "Ed25519";
            case ES256, SM2_SM3 -> "EC";
            case ML_DSA_44, ML_DSA_65 -> algorithm.label();
        };
    }
}
