package io.sensorproof.gateway.enroll;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The device CA's keys and certificates in one PKCS#12 file (JDK {@code PKCS12} key store, so
 * {@code keytool} can read and import entries), readable by its owner only. Each entry is one CA
 * generation (alias {@code ca-<UTC time, lowercase>}); the entry with the latest notBefore is the current CA,
 * older ones are kept for the rotation window. Files readable or writable by group or others are
 * refused, and so are password files that are.
 */
public final class CaKeyStore {
    static final Set<PosixFilePermission> EXPOSED = EnumSet.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);
    private static final String TYPE = "PKCS12";
    private static final DateTimeFormatter ALIAS_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();

    /**
     * One CA generation.
     *
     * @param alias key store alias
     * @param key CA private key (ECDSA P-256)
     * @param certificate self-signed CA certificate
     */
    public record CaEntry(String alias, PrivateKey key, X509Certificate certificate) {
        /** SHA-256 of the certificate's DER encoding: what enrollment tokens pin. */
        public byte[] fingerprint() {
            try {
                return io.sensorproof.protocol.enroll.EnrollmentToken.fingerprint(certificate.getEncoded());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        /** {@link #fingerprint()} in lowercase hex. */
        public String fingerprintHex() {
            return java.util.HexFormat.of().formatHex(fingerprint());
        }
    }

    private CaKeyStore() {
    }

    /**
     * Loads every CA entry of {@code file}, oldest first.
     *
     * @throws CaStoreException when the file is exposed to others, unreadable, has the wrong password
     *     or holds no CA entry
     */
    public static List<CaEntry> load(Path file, char[] password) {
        requireOwnerOnly(file, "device CA key store");
        KeyStore store = read(file, password);
        List<CaEntry> entries = new ArrayList<>();
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (!store.isKeyEntry(alias)) {
                    continue;
                }
                Certificate certificate = store.getCertificate(alias);
                if (!(certificate instanceof X509Certificate x509) || x509.getBasicConstraints() < 0) {
                    throw new CaStoreException("entry '" + alias + "' of " + file + " is not a CA certificate");
                }
                entries.add(new CaEntry(alias, (PrivateKey) store.getKey(alias, password), x509));
            }
        } catch (GeneralSecurityException e) {
            throw new CaStoreException("cannot read the keys of " + file + ": " + e.getMessage(), e);
        }
        if (entries.isEmpty()) {
            throw new CaStoreException(file + " holds no CA key entry");
        }
        entries.sort(Comparator.comparing((CaEntry e) -> e.certificate().getNotBefore()).thenComparing(CaEntry::alias));
        return entries;
    }

    /**
     * Adds a freshly generated CA generation to {@code file} (creating the file, mode 0600, when it
     * does not exist) and writes it atomically; the new entry becomes the current CA.
     */
    public static CaEntry addGeneration(Path file, char[] password, Instant now, Duration validity, SecureRandom random) {
        KeyStore store;
        if (Files.exists(file)) {
            requireOwnerOnly(file, "device CA key store");
            store = read(file, password);
        } else {
            try {
                store = KeyStore.getInstance(TYPE);
                store.load(null, null);
            } catch (GeneralSecurityException | IOException e) {
                throw new CaStoreException("cannot create a PKCS#12 key store: " + e.getMessage(), e);
            }
        }
        CaEntry entry = generate(now, validity, random);
        try {
            String alias = entry.alias();
            for (int i = 2; store.containsAlias(alias); i++) {
                alias = entry.alias() + "-" + i;
            }
            entry = new CaEntry(alias, entry.key(), entry.certificate());
            store.setKeyEntry(alias, entry.key(), password, new Certificate[] {entry.certificate()});
        } catch (GeneralSecurityException e) {
            throw new CaStoreException("cannot add the CA entry: " + e.getMessage(), e);
        }
        write(file, store, password);
        return entry;
    }

    /** Generates a CA key (ECDSA P-256) and its self-signed certificate (SHA256withECDSA). */
    static CaEntry generate(Instant now, Duration validity, SecureRandom random) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            KeyPair pair = generator.generateKeyPair();
            // PKCS#12 aliases are case-insensitive (the JDK lowercases them): lowercase from the start
            String alias = ("ca-" + ALIAS_TIME.format(now)).toLowerCase(java.util.Locale.ROOT);
            X500Name name = new X500NameBuilder(BCStyle.INSTANCE)
                    .addRDN(BCStyle.O, "sensorproof")
                    .addRDN(BCStyle.CN, "sensorproof device CA " + ALIAS_TIME.format(now)).build();
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, new BigInteger(128, random).setBit(127),
                    Date.from(now.minus(DeviceCertificates.BACKDATE)), Date.from(now.plus(validity)), name, pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(pair.getPublic()));
            X509Certificate certificate = new JcaX509CertificateConverter().setProvider(BC).getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").setProvider(BC).build(pair.getPrivate())));
            return new CaEntry(alias, pair.getPrivate(), certificate);
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot generate a CA key: " + e.getMessage(), e);
        }
    }

    /**
     * Reads the password in {@code file} (first line, trimmed); the file must be readable by its
     * owner only.
     */
    public static char[] readPasswordFile(Path file) {
        requireOwnerOnly(file, "device CA password file");
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("").trim();
            if (text.isEmpty()) {
                throw new CaStoreException("device CA password file " + file + " is empty");
            }
            return text.toCharArray();
        } catch (IOException e) {
            throw new CaStoreException("cannot read the device CA password file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes a new random password (32 bytes, base64url) to {@code file}, mode 0600; the file must not exist. */
    public static char[] createPasswordFile(Path file, SecureRandom random) {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        writeOwnerOnly(file, (password + "\n").getBytes(StandardCharsets.UTF_8));
        return password.toCharArray();
    }

    /**
     * Refuses a file that group or others may read or write.
     *
     * @throws CaStoreException naming the file and the chmod that fixes it
     */
    static void requireOwnerOnly(Path file, String what) {
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(file);
        } catch (IOException e) {
            throw new CaStoreException("cannot read the " + what + " " + file + ": " + e.getMessage(), e);
        }
        Set<PosixFilePermission> exposed = EnumSet.copyOf(EXPOSED);
        exposed.retainAll(permissions);
        if (!exposed.isEmpty()) {
            throw new CaStoreException("refusing the " + what + " " + file + ": group or others can access it ("
                    + PosixFilePermissions.toString(permissions) + "); run chmod 600 on it");
        }
    }

    private static KeyStore read(Path file, char[] password) {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance(TYPE);
            store.load(in, password);
            return store;
        } catch (IOException e) {
            throw new CaStoreException("cannot open the device CA key store " + file + " (wrong password or not PKCS#12): "
                    + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new CaStoreException("cannot open the device CA key store " + file + ": " + e.getMessage(), e);
        }
    }

    private static void write(Path file, KeyStore store, char[] password) {
        try {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            try (OutputStream out = bytes) {
                store.store(out, password);
            }
            writeOwnerOnly(file, bytes.toByteArray());
        } catch (GeneralSecurityException | IOException e) {
            throw new CaStoreException("cannot write the device CA key store " + file + ": " + e.getMessage(), e);
        }
    }

    private static void writeOwnerOnly(Path file, byte[] content) {
        Path dir = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".device-ca", ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                Files.write(tmp, content);
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new CaStoreException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
