package io.sensorproof.gateway.enroll;

import io.sensorproof.gateway.enroll.CaKeyStore.CaEntry;
import io.sensorproof.protocol.cose.VerificationKey;
import io.sensorproof.protocol.enroll.CertificateRequests;
import io.sensorproof.protocol.ids.Identifiers;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Issues device certificates in the profile shared with DTLS: subject {@code CN=<device>, O=<tenant>}
 * (always from the enrollment token), SAN URI {@code urn:sensorproof:device:<tenant>:<device>}, EKU
 * clientAuth, KeyUsage digitalSignature, random positive 128-bit serial, notBefore backdated five
 * minutes, notAfter capped at the CA's own, signed SHA256withECDSA.
 */
public final class DeviceCertificates {
    /** How far notBefore is set back, for devices whose clocks run a little behind. */
    public static final Duration BACKDATE = Duration.ofMinutes(5);
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();

    private DeviceCertificates() {
    }

    /** The SAN URI naming a device. */
    public static String deviceUri(String tenant, String device) {
        return "urn:sensorproof:device:" + tenant + ":" + device;
    }

    /**
     * Issues a certificate for {@code deviceKey}.
     *
     * @param notAfterCap latest allowed notAfter (the CA's trust end); the certificate ends at the
     *     earlier of {@code now + validity} and this
     */
    public static X509Certificate issue(CaEntry ca, VerificationKey deviceKey, String tenant, String device, Instant now,
            Duration validity, Instant notAfterCap, SecureRandom random) {
        Identifiers.requireValid(tenant, "tenant id");
        Identifiers.requireValid(device, "device id");
        Instant notAfter = now.plus(validity);
        if (notAfterCap.isBefore(notAfter)) {
            notAfter = notAfterCap;
        }
        Instant notBefore = now.minus(BACKDATE);
        if (!notAfter.isAfter(now)) {
            throw new IllegalStateException("CA " + ca.alias() + " can no longer issue certificates");
        }
        try {
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, tenant).addRDN(BCStyle.CN, device).build();
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca.certificate(), new BigInteger(128, random).setBit(127),
                    Date.from(notBefore), Date.from(notAfter), subject, CertificateRequests.toJcaPublic(deviceKey))
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth))
                    .addExtension(Extension.subjectAlternativeName, false,
                            new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, deviceUri(tenant, device))))
                    .addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(ca.certificate()))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(CertificateRequests.toJcaPublic(deviceKey)));
            return new JcaX509CertificateConverter().setProvider(BC).getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").setProvider(BC).build(ca.key())));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot issue a certificate for " + device + ": " + e.getMessage(), e);
        }
    }
}
