package io.sensorproof.gateway.enroll;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.SignatureException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Builds the device CA's certificate revocation lists (RFC 5280 §5, version 2): issuer = the CA
 * certificate's subject, the given thisUpdate and nextUpdate, the CRL number and authority key
 * identifier extensions, one entry per revoked certificate with its revocation date and reason code,
 * signed SHA256withECDSA with the CA key. Framework-free; {@link DeviceCrlService} supplies the
 * revoked certificates from the database and a CRL number from a PostgreSQL sequence.
 */
public final class DeviceCrls {
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();
    /** keyUsage bit 6 of RFC 5280 §4.2.1.3. */
    private static final int CRL_SIGN = 6;

    private DeviceCrls() {
    }

    /**
     * Why a certificate was revoked, as RFC 5280 §5.3.1 codes it.
     */
    public enum Reason {
        /** The device's private key may be known to someone else. */
        KEY_COMPROMISE(CRLReason.keyCompromise),
        /** The certificate was replaced by a newer one. */
        SUPERSEDED(CRLReason.superseded),
        /** The device is out of service. */
        CESSATION_OF_OPERATION(CRLReason.cessationOfOperation),
        /** The operator withdrew the device's right to send data (sensorproof's device revocation). */
        PRIVILEGE_WITHDRAWN(CRLReason.privilegeWithdrawn);

        private final int code;

        Reason(int code) {
            this.code = code;
        }

        /** The reasonCode value of RFC 5280. */
        public int code() {
            return code;
        }
    }

    /**
     * One revoked certificate.
     *
     * @param serial the certificate's serial number (positive)
     * @param revokedAt when it was revoked
     * @param reason why
     */
    public record Revoked(BigInteger serial, Instant revokedAt, Reason reason) {
        public Revoked {
            Objects.requireNonNull(serial, "serial");
            Objects.requireNonNull(revokedAt, "revokedAt");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * Builds and signs a CRL; entries are written in serial order, so the same input gives the same
     * list.
     *
     * @param issuer the CA certificate whose certificates the list covers
     * @param issuerKey its private key
     * @param crlNumber the CRL number (must grow with every CRL the CA issues)
     * @param thisUpdate issue time
     * @param nextUpdate when the next CRL will be issued at the latest (relying parties refuse the list after it)
     * @param revoked the revoked certificates
     * @throws CrlException with a code when an argument is unusable or the key does not belong to the issuer
     */
    public static X509CRL build(X509Certificate issuer, PrivateKey issuerKey, BigInteger crlNumber, Instant thisUpdate, Instant nextUpdate,
            List<Revoked> revoked) {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(issuerKey, "issuerKey");
        Objects.requireNonNull(crlNumber, "crlNumber");
        Objects.requireNonNull(thisUpdate, "thisUpdate");
        Objects.requireNonNull(nextUpdate, "nextUpdate");
        Objects.requireNonNull(revoked, "revoked");
        if (crlNumber.signum() < 0) {
            throw new CrlException(CrlException.Code.CRL_INVALID_PARAMETERS, "the CRL number must not be negative: " + crlNumber);
        }
        if (!nextUpdate.isAfter(thisUpdate)) {
            throw new CrlException(CrlException.Code.CRL_INVALID_PARAMETERS,
                    "nextUpdate " + nextUpdate + " must be after thisUpdate " + thisUpdate);
        }
        boolean[] usage = issuer.getKeyUsage();
        if (issuer.getBasicConstraints() < 0 || usage == null || usage.length <= CRL_SIGN || !usage[CRL_SIGN]) {
            throw new CrlException(CrlException.Code.CRL_ISSUER_NOT_A_CRL_SIGNER,
                    "'" + issuer.getSubjectX500Principal().getName() + "' is not a CA certificate with the cRLSign key usage");
        }
        List<Revoked> ordered = new ArrayList<>(revoked);
        ordered.sort(Comparator.comparing(Revoked::serial));
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v2CRLBuilder builder = new JcaX509v2CRLBuilder(issuer.getSubjectX500Principal(), Date.from(thisUpdate))
                    .setNextUpdate(Date.from(nextUpdate))
                    .addExtension(Extension.cRLNumber, false, new CRLNumber(crlNumber))
                    .addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(issuer));
            for (Revoked r : ordered) {
                if (r.serial().signum() <= 0) {
                    throw new CrlException(CrlException.Code.CRL_INVALID_SERIAL, "certificate serial " + r.serial() + " is not positive");
                }
                builder.addCRLEntry(r.serial(), Date.from(r.revokedAt()), r.reason().code());
            }
            X509CRL crl = new JcaX509CRLConverter().setProvider(BC).getCRL(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").setProvider(BC).build(issuerKey)));
            try {
                crl.verify(issuer.getPublicKey(), BC);
            } catch (SignatureException | InvalidKeyException e) {
                throw new CrlException(CrlException.Code.CRL_KEY_MISMATCH,
                        "the signing key is not the key of '" + issuer.getSubjectX500Principal().getName() + "'", e);
            }
            return crl;
        } catch (GeneralSecurityException | OperatorCreationException | IOException | IllegalArgumentException e) {
            throw new CrlException(CrlException.Code.CRL_SIGNING_FAILED, "cannot sign the CRL: " + e.getMessage(), e);
        }
    }

    /** The CRL number extension of {@code crl}, if it has one. */
    public static Optional<BigInteger> crlNumber(X509CRL crl) {
        byte[] value = crl.getExtensionValue(Extension.cRLNumber.getId());
        if (value == null) {
            return Optional.empty();
        }
        return Optional.of(CRLNumber.getInstance(ASN1OctetString.getInstance(value).getOctets()).getCRLNumber());
    }
}
