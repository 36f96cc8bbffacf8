package io.sensorproof.agent.keys;

import io.sensorproof.agent.outbox.Durable;
import io.sensorproof.agent.outbox.FileIo;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.cose.VerificationKey;
import io.sensorproof.protocol.enroll.Pem;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;

/**
 * The device key on disk: PKCS#8 DER in a file created with mode 0600 and written durably (forced
 * temporary file, atomic rename, forced directory), so a power cut never leaves an empty or missing
 * key behind a key the gateway already knows. Loading refuses a file that anyone but its owner can
 * read or write. The key never leaves this class except as a
 * {@link SigningKey}, whose {@code toString} shows only the kid.
 */
public final class KeyFiles {
    private static final Set<PosixFilePermission> FORBIDDEN = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

    private KeyFiles() {
    }

    /** Generates a key on this device and writes it to {@code file}, which must not exist. */
    public static SigningKey generate(Path file, SignatureAlgorithm algorithm) throws IOException {
        return generate(file, algorithm, FileIo.SYSTEM);
    }

    /** {@link #generate(Path, SignatureAlgorithm)} through a given file layer (fault tests). */
    public static SigningKey generate(Path file, SignatureAlgorithm algorithm, FileIo io) throws IOException {
        if (Files.exists(file)) {
            throw new FileAlreadyExistsException(file.toString(), null, "refusing to overwrite an existing device key");
        }
        SigningKey key = Keys.generate(algorithm, new SecureRandom());
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, ".key", ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Durable.replaceAtomically(io, tmp, file, ByteBuffer.wrap(Keys.toPkcs8(key)));
        } finally {
            Files.deleteIfExists(tmp);
        }
        return key;
    }

    /**
     * Loads the device key.
     *
     * @throws IOException when the file is missing, readable or writable by others, or not a
     *     supported PKCS#8 key
     */
    public static SigningKey load(Path file) throws IOException {
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
        Set<PosixFilePermission> exposed = EnumSet.copyOf(FORBIDDEN);
        exposed.retainAll(permissions);
        if (!exposed.isEmpty()) {
            throw new IOException("refusing to use device key " + file + ": it is accessible to others (" + PosixFilePermissions.toString(permissions)
                    + "); run chmod 600 on it");
        }
        try {
            return Keys.signingKeyFromPkcs8(Files.readAllBytes(file));
        } catch (RuntimeException e) {
            throw new IOException("device key " + file + " is not a supported PKCS#8 key: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a public key given as base64 SPKI DER, or as a path to a DER or PEM ("PUBLIC KEY") file.
     */
    public static VerificationKey readPublicKey(String spec) throws IOException {
        Path path = Path.of(spec);
        byte[] der;
        if (Files.isRegularFile(path)) {
            byte[] content = Files.readAllBytes(path);
            String text = new String(content, StandardCharsets.US_ASCII);
            der = text.contains("-----BEGIN PUBLIC KEY-----") ? Pem.decode("PUBLIC KEY", text) : content;
        } else {
            try {
                der = Base64.getDecoder().decode(spec);
            } catch (IllegalArgumentException e) {
                throw new IOException("public key is neither a file nor base64 SubjectPublicKeyInfo: " + spec);
            }
        }
        try {
            return Keys.publicKeyFromSpki(der);
        } catch (RuntimeException e) {
            throw new IOException("not a supported public key: " + e.getMessage(), e);
        }
    }
}
