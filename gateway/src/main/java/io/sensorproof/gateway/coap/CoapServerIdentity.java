package io.sensorproof.gateway.coap;

import io.sensorproof.protocol.enroll.Pem;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The gateway's DTLS identity: an EC P-256 key in a PKCS#8 file readable by its owner only and its
 * certificate chain in PEM. When neither file exists, a key and a self-signed certificate
 * ({@code CN=sensorproof-gateway}, serverAuth, 825 days) are created; devices then trust that
 * certificate (x509) or its key (rpk). A CA-issued certificate can replace the file at any time.
 *
 * @param privateKey the DTLS key
 * @param chain certificate chain, leaf first
 */
public record CoapServerIdentity(PrivateKey privateKey, List<X509Certificate> chain) {
    private static final Set<PosixFilePermission> EXPOSED = EnumSet.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

    public CoapServerIdentity {
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("the server certificate chain is empty");
        }
    }

    /** Loads the key and chain, creating both when the key file does not exist yet. */
    public static CoapServerIdentity loadOrCreate(Path keyFile, Path certificateFile) throws IOException {
        try {
            if (!Files.exists(keyFile)) {
                if (Files.exists(certificateFile)) {
                    throw new IOException("DTLS certificate " + certificateFile + " exists without its key " + keyFile);
                }
                return create(keyFile, certificateFile);
            }
            Set<PosixFilePermission> permissions = EnumSet.copyOf(Files.getPosixFilePermissions(keyFile));
            permissions.retainAll(EXPOSED);
            if (!permissions.isEmpty()) {
                throw new IOException("refusing the DTLS key " + keyFile + ": others can access it; chmod 600 it");
            }
            PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(keyFile)));
            return new CoapServerIdentity(key, readCertificates(certificateFile));
        } catch (GeneralSecurityException e) {
            throw new IOException("DTLS identity " + keyFile + " / " + certificateFile + " unusable: " + e.getMessage(), e);
        }
    }

    /** Certificates of a PEM file, in order. */
    public static List<X509Certificate> readCertificates(Path file) throws IOException, GeneralSecurityException {
        List<X509Certificate> out = new ArrayList<>();
        for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(Files.readAllBytes(file)))) {
            out.add((X509Certificate) c);
        }
        if (out.isEmpty()) {
            throw new IOException("no certificates in " + file);
        }
        return out;
    }

    private static CoapServerIdentity create(Path keyFile, Path certificateFile) throws IOException, GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        KeyPair keys = generator.generateKeyPair();
        X509Certificate certificate = selfSigned(keys);
        Path dir = keyFile.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".coap-key", ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.write(tmp, keys.getPrivate().getEncoded());
            Files.move(tmp, keyFile, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        Files.createDirectories(certificateFile.toAbsolutePath().getParent());
        Files.writeString(certificateFile, Pem.encode("CERTIFICATE", certificate.getEncoded()), StandardCharsets.US_ASCII);
        return new CoapServerIdentity(keys.getPrivate(), List.of(certificate));
    }

    private static X509Certificate selfSigned(KeyPair keys) throws GeneralSecurityException {
        Instant now = Instant.now();
        X500Name name = new X500Name("CN=sensorproof-gateway");
        try {
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, new BigInteger(127, new SecureRandom()).add(BigInteger.ONE),
                    Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(825))), name, keys.getPublic());
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        } catch (OperatorCreationException | IOException e) {
            throw new GeneralSecurityException("cannot create the self-signed DTLS certificate", e);
        }
    }
}
