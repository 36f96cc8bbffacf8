package io.sensorproof.broker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The broker's credential files in one directory (ADR 019), created on first use:
 *
 * <ul>
 *   <li>{@value #GATEWAY_PASSWORD}: the password of the gateway's own client (random, mode 0600);
 *   <li>{@value #SERVER_KEYSTORE} and {@value #SERVER_KEYSTORE_PASSWORD}: the TLS listener's key and
 *       self-signed certificate (PKCS#12, both 0600); a CA-issued keystore can replace it (HiveMQ
 *       reloads a changed keystore within 10 s);
 *   <li>{@value #SERVER_CERTIFICATE}: that certificate in PEM, for devices' {@code mqtt.tls.ca-file};
 *   <li>{@value #DEVICE_TRUST}: the device CA certificates that client certificates must chain to
 *       (PKCS#12 trust store, public content, password {@value #DEVICE_TRUST_PASSWORD}); the gateway
 *       rewrites it with {@link #writeDeviceTrust} at start and when the CA rotates, and HiveMQ
 *       reloads it. It starts empty, so no device is accepted before the gateway has written it.
 * </ul>
 *
 * @param directory where the files are
 */
public record BrokerCredentials(Path directory) {
    /** File name of the gateway client's password. */
    public static final String GATEWAY_PASSWORD = "gateway-password";
    /** File name of the TLS listener's key store. */
    public static final String SERVER_KEYSTORE = "server-keystore.p12";
    /** File name of the key store's password. */
    public static final String SERVER_KEYSTORE_PASSWORD = "server-keystore.password";
    /** File name of the TLS listener's certificate in PEM. */
    public static final String SERVER_CERTIFICATE = "server.pem";
    /** File name of the device CA trust store. */
    public static final String DEVICE_TRUST = "device-ca.p12";
    /** Password of the device CA trust store; not a secret (it holds only public certificates). */
    public static final String DEVICE_TRUST_PASSWORD = "sensorproof-device-ca";
    private static final Set<PosixFilePermission> EXPOSED = EnumSet.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);
    private static final SecureRandom RANDOM = new SecureRandom();

    public BrokerCredentials {
        if (directory == null) {
            throw new IllegalArgumentException("directory");
        }
        directory = directory.toAbsolutePath();
    }

    /** Creates whatever is missing: password, server key and certificate, an empty device trust store. */
    public BrokerCredentials createIfMissing() throws IOException {
        Files.createDirectories(directory);
        if (!Files.exists(gatewayPasswordFile())) {
            writeSecret(gatewayPasswordFile(), randomSecret());
        }
        if (!Files.exists(serverKeystore())) {
            String password = randomSecret();
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
                KeyPair keys = generator.generateKeyPair();
                X509Certificate certificate = selfSigned(keys);
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setKeyEntry("broker", keys.getPrivate(), password.toCharArray(), new Certificate[] {certificate});
                writeSecret(directory.resolve(SERVER_KEYSTORE_PASSWORD), password);
                writeSecret(serverKeystore(), store(store, password));
                replace(serverCertificate(), pem(List.of(certificate)).getBytes(StandardCharsets.US_ASCII), false);
            } catch (GeneralSecurityException e) {
                throw new IOException("cannot create the broker's TLS key: " + e.getMessage(), e);
            }
        }
        if (!Files.exists(deviceTrustStore())) {
            writeDeviceTrust(deviceTrustStore(), List.of());
        }
        return this;
    }

    /** The gateway client's password; the file must be readable by its owner only. */
    public String gatewayPassword() throws IOException {
        return readSecret(gatewayPasswordFile());
    }

    /** The key store's password; the file must be readable by its owner only. */
    public String serverKeystorePassword() throws IOException {
        return readSecret(directory.resolve(SERVER_KEYSTORE_PASSWORD));
    }

    /** Path of the gateway client's password file. */
    public Path gatewayPasswordFile() {
        return directory.resolve(GATEWAY_PASSWORD);
    }

    /** Path of the TLS listener's key store. */
    public Path serverKeystore() {
        return directory.resolve(SERVER_KEYSTORE);
    }

    /** Path of the TLS listener's certificate (PEM), the file devices trust. */
    public Path serverCertificate() {
        return directory.resolve(SERVER_CERTIFICATE);
    }

    /** Path of the device CA trust store. */
    public Path deviceTrustStore() {
        return directory.resolve(DEVICE_TRUST);
    }

    /**
     * Replaces the trust store {@code file} atomically with {@code caCertificates} (the broker never
     * reads a half-written file); returns false and writes nothing when it already holds exactly them.
     */
    public static boolean writeDeviceTrust(Path file, List<X509Certificate> caCertificates) throws IOException {
        try {
            if (Files.exists(file) && readTrust(file).equals(List.copyOf(caCertificates))) {
                return false;
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int i = 0;
            for (X509Certificate c : caCertificates) {
                store.setCertificateEntry("device-ca-" + i++, c);
            }
            replace(file, store(store, DEVICE_TRUST_PASSWORD), false);
            return true;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot write the device trust store " + file + ": " + e.getMessage(), e);
        }
    }

    /** The certificates of a trust store written by {@link #writeDeviceTrust}, in order. */
    public static List<X509Certificate> readTrust(Path file) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, DEVICE_TRUST_PASSWORD.toCharArray());
        }
        List<X509Certificate> out = new ArrayList<>();
        for (int i = 0; store.containsAlias("device-ca-" + i); i++) {
            out.add((X509Certificate) store.getCertificate("device-ca-" + i));
        }
        return out;
    }

    /** PEM encoding of certificates. */
    public static String pem(List<X509Certificate> certificates) throws GeneralSecurityException {
        StringBuilder out = new StringBuilder();
        for (X509Certificate c : certificates) {
            out.append("-----BEGIN CERTIFICATE-----\n")
                    .append(Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(c.getEncoded()))
                    .append("\n-----END CERTIFICATE-----\n");
        }
        return out.toString();
    }

    private static X509Certificate selfSigned(KeyPair keys) throws GeneralSecurityException {
        Instant now = Instant.now();
        X500Name name = new X500Name("CN=sensorproof-broker");
        Set<GeneralName> names = new LinkedHashSet<>();
        names.add(new GeneralName(GeneralName.dNSName, "localhost"));
        names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
        names.add(new GeneralName(GeneralName.iPAddress, "::1"));
        try {
            InetAddress local = InetAddress.getLocalHost();
            names.add(new GeneralName(GeneralName.dNSName, local.getHostName()));
            names.add(new GeneralName(GeneralName.dNSName, local.getCanonicalHostName()));
            names.add(new GeneralName(GeneralName.iPAddress, local.getHostAddress()));
        } catch (IOException | IllegalArgumentException e) {
            // no resolvable host name: localhost only
        }
        try {
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, new BigInteger(127, RANDOM).setBit(126),
                    Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(825))), name, keys.getPublic());
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(new GeneralName[0])));
            return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        } catch (OperatorCreationException | IOException e) {
            throw new GeneralSecurityException("cannot create the broker's self-signed certificate", e);
        }
    }

    private static byte[] store(KeyStore store, String password) throws IOException, GeneralSecurityException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        store.store(out, password.toCharArray());
        return out.toByteArray();
    }

    private static String randomSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void writeSecret(Path file, String secret) throws IOException {
        writeSecret(file, secret.getBytes(StandardCharsets.UTF_8));
    }

    private static void writeSecret(Path file, byte[] content) throws IOException {
        replace(file, content, true);
    }

    /** Writes {@code content} to a temporary file, forces it, and renames it over {@code file}. */
    private static void replace(Path file, byte[] content, boolean secret) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--")));
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(content));
                channel.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        try (FileChannel dirChannel = FileChannel.open(dir, StandardOpenOption.READ)) {
            dirChannel.force(true);
        } catch (IOException e) {
            // directories cannot be opened for force on every file system; the rename itself is atomic
        }
    }

    private static String readSecret(Path file) throws IOException {
        Set<PosixFilePermission> permissions = EnumSet.copyOf(Files.getPosixFilePermissions(file));
        permissions.retainAll(EXPOSED);
        if (!permissions.isEmpty()) {
            throw new IOException("refusing " + file + ": others can access it; chmod 600 it");
        }
        return Files.readString(file, StandardCharsets.UTF_8).trim();
    }
}
