package io.sensorproof.agent.enroll;

import io.sensorproof.agent.outbox.Durable;
import io.sensorproof.agent.outbox.FileIo;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * What the agent keeps about its enrollment in its data directory: {@value #FILE} (mode 0600: it
 * holds the renewal token, a secret like the device key) with the gateway URL, identity, the
 * certificate's validity, the pinned CA, the acknowledgement key and the renewal token; the chain
 * itself is in {@value #CHAIN_FILE}.
 *
 * @param gatewayUrl base URL of the gateway
 * @param caFile PEM CA file for HTTPS, or null for the JDK's trust store
 * @param tenant tenant id from the response
 * @param device device id from the response
 * @param kid kid of the certified key, hex
 * @param notBefore certificate start
 * @param notAfter certificate end
 * @param caFingerprint SHA-256 of the issuing CA certificate, hex
 * @param ackKey gateway acknowledgement key, base64 SPKI
 * @param renewalToken one-time token for the next renewal or re-key, or null
 */
public record EnrollmentState(String gatewayUrl, String caFile, String tenant, String device, String kid, Instant notBefore,
        Instant notAfter, String caFingerprint, String ackKey, String renewalToken) {
    /** State file name in the data directory. */
    public static final String FILE = "enrollment.properties";
    /** Certificate chain (PEM, device first) in the data directory. */
    public static final String CHAIN_FILE = "device-cert.pem";
    static final Set<PosixFilePermission> EXPOSED = EnumSet.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

    /** The state in {@code dataDir}, if the agent has enrolled. */
    public static Optional<EnrollmentState> load(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties p = readPrivate(file);
        return Optional.of(new EnrollmentState(p.getProperty("gateway.url"), emptyToNull(p.getProperty("ca.file")),
                p.getProperty("tenant"), p.getProperty("device"), p.getProperty("kid"),
                Instant.parse(p.getProperty("certificate.not-before")), Instant.parse(p.getProperty("certificate.not-after")),
                p.getProperty("ca.fingerprint"), p.getProperty("ack.key"), emptyToNull(p.getProperty("renewal.token"))));
    }

    /** Writes the state durably (a power cut leaves the old state or this one, never a spent token), mode 0600. */
    public void store(Path dataDir) throws IOException {
        store(dataDir, FileIo.SYSTEM);
    }

    /** {@link #store(Path)} through a given file layer (fault tests). */
    public void store(Path dataDir, FileIo io) throws IOException {
        Properties p = new Properties();
        p.setProperty("gateway.url", gatewayUrl);
        p.setProperty("ca.file", caFile == null ? "" : caFile);
        p.setProperty("tenant", tenant);
        p.setProperty("device", device);
        p.setProperty("kid", kid);
        p.setProperty("certificate.not-before", notBefore.toString());
        p.setProperty("certificate.not-after", notAfter.toString());
        p.setProperty("ca.fingerprint", caFingerprint);
        p.setProperty("ack.key", ackKey);
        p.setProperty("renewal.token", renewalToken == null ? "" : renewalToken);
        writePrivate(dataDir.resolve(FILE), p, io);
    }

    /** Reads a properties file that must be readable by its owner only. */
    static Properties readPrivate(Path file) throws IOException {
        Set<PosixFilePermission> exposed = EnumSet.copyOf(EXPOSED);
        exposed.retainAll(Files.getPosixFilePermissions(file));
        if (!exposed.isEmpty()) {
            throw new IOException("refusing " + file + ": group or others can access it; run chmod 600 on it");
        }
        Properties p = new Properties();
        try (Reader r = new StringReader(Files.readString(file, StandardCharsets.UTF_8))) {
            p.load(r);
        }
        return p;
    }

    /** Writes a properties file durably with mode 0600. */
    static void writePrivate(Path file, Properties p, FileIo io) throws IOException {
        StringWriter text = new StringWriter();
        p.store(text, null);
        writePrivate(file, text.toString().getBytes(StandardCharsets.UTF_8), io);
    }

    /** Writes a file with mode 0600 through {@link Durable#replaceAtomically}: forced temporary file, atomic rename, forced directory. */
    static void writePrivate(Path file, byte[] content, FileIo io) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".enroll", ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Durable.replaceAtomically(io, tmp, file, ByteBuffer.wrap(content));
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    @Override
    public String toString() {
        return "EnrollmentState[" + tenant + "/" + device + ", kid=" + kid + ", until " + notAfter + ", renewal token "
                + (renewalToken == null ? "none" : "held") + "]";
    }
}
