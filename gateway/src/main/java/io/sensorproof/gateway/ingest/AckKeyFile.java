package io.sensorproof.gateway.ingest;

import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.Set;

/**
 * The gateway's acknowledgement-signing key in a PKCS#8 file readable by its owner only. Created
 * on first start when missing, with the configured algorithm ({@code sensorproof.ack-key.alg}:
 * ES256 by default, or EdDSA, ML-DSA-44, ML-DSA-65 for post-quantum acknowledgements, ADR 029); an
 * existing file keeps its key whatever the setting says; a file others can read is refused. Replicas of one
 * deployment share the file (or a copy of it): agents trust exactly one acknowledgement key.
 */
final class AckKeyFile {
    private static final Set<PosixFilePermission> EXPOSED = EnumSet.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

    private AckKeyFile() {
    }

    /**
     * The algorithm named by {@code sensorproof.ack-key.alg}.
     *
     * @throws IllegalArgumentException for an unknown name
     */
    static SignatureAlgorithm algorithm(String label) {
        try {
            return SignatureAlgorithm.fromLabel(label);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("sensorproof.ack-key.alg: " + e.getMessage(), e);
        }
    }

    static SigningKey loadOrCreate(Path file, SignatureAlgorithm algorithm) throws IOException {
        if (!Files.exists(file)) {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            SigningKey key = Keys.generate(algorithm, new SecureRandom());
            Path tmp = Files.createTempFile(dir, ".ack-key", ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                Files.write(tmp, Keys.toPkcs8(key));
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            return key;
        }
        Set<PosixFilePermission> permissions = EnumSet.copyOf(Files.getPosixFilePermissions(file));
        permissions.retainAll(EXPOSED);
        if (!permissions.isEmpty()) {
            throw new IOException("refusing the acknowledgement key " + file + ": others can access it; chmod 600 it");
        }
        try {
            return Keys.signingKeyFromPkcs8(Files.readAllBytes(file));
        } catch (RuntimeException e) {
            throw new IOException("acknowledgement key " + file + " is not a supported PKCS#8 key: " + e.getMessage(), e);
        }
    }
}
