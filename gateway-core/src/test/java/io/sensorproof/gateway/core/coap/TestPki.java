package io.sensorproof.gateway.core.coap;

import io.sensorproof.protocol.cose.VerificationKey;
import io.sensorproof.protocol.enroll.Pem;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A test device CA with BouncyCastle, issuing certificates of the device profile (shared design).
 * Also used by the gateway module's CoAP tests (through this module's test jar).
 */
public final class TestPki {
    private static final SecureRandom RANDOM = new SecureRandom();
    public final KeyPair caKeys;
    public final X509Certificate ca;

    private TestPki(KeyPair caKeys, X509Certificate ca) {
        this.caKeys = caKeys;
        this.ca = ca;
    }

    public static TestPki create(String name) throws Exception {
        KeyPair keys = p256();
        X500Name subject = new X500Name("CN=" + name);
        JcaX509v3CertificateBuilder b = builder(subject, subject, keys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        return new TestPki(keys, sign(b, keys.getPrivate()));
    }

    /** A device certificate: CN=device, O=tenant, SAN URI, clientAuth, digitalSignature. */
    public X509Certificate issueDevice(PublicKey key, String tenant, String device, boolean clientAuth) throws Exception {
        JcaX509v3CertificateBuilder b = builder(new X500Name(ca.getSubjectX500Principal().getName()),
                new X500Name("CN=" + device + ",O=" + tenant), key);
        b.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, "urn:sensorproof:device:" + tenant + ":" + device)));
        b.addExtension(Extension.extendedKeyUsage, false,
                new ExtendedKeyUsage(clientAuth ? KeyPurposeId.id_kp_clientAuth : KeyPurposeId.id_kp_codeSigning));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        return sign(b, caKeys.getPrivate());
    }

    /** A self-signed server certificate (the gateway's DTLS identity in tests). */
    public static X509Certificate selfSigned(KeyPair keys, String cn) throws Exception {
        X500Name name = new X500Name("CN=" + cn);
        JcaX509v3CertificateBuilder b = builder(name, name, keys.getPublic());
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        return sign(b, keys.getPrivate());
    }

    public static KeyPair p256() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
    }

    public static PublicKey jca(VerificationKey key) throws GeneralSecurityException {
        String alg = switch (key.algorithm()) {
            case EDDSA -> "Ed25519";
            default -> "EC";
        };
        return KeyFactory.getInstance(alg).generatePublic(new X509EncodedKeySpec(key.spki()));
    }

    public static Path writePem(Path file, List<X509Certificate> certificates) throws IOException, GeneralSecurityException {
        StringBuilder pem = new StringBuilder();
        for (X509Certificate c : certificates) {
            pem.append(Pem.encode("CERTIFICATE", c.getEncoded()));
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, pem);
        return file;
    }

    private static JcaX509v3CertificateBuilder builder(X500Name issuer, X500Name subject, PublicKey key) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(127, RANDOM).add(BigInteger.ONE), Date.from(now.minus(Duration.ofMinutes(5))),
                Date.from(now.plus(Duration.ofDays(90))), subject, key);
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder b, PrivateKey key) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    }
}
