package io.sensorproof.gateway.coap;

import io.sensorproof.gateway.core.TransportPeer;
import io.sensorproof.gateway.core.coap.TransportKeyDirectory;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.VerificationKey;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The transport keys of SM2 devices (ADR 012) from a properties file of
 * {@code <tenant>/<device>=<base64 SPKI DER>} lines, reread when the file changes. A stopgap until the
 * registry has a column for it (no migration in this change): a missing file means no transport
 * keys; a line that does not parse makes the whole file refused (the previous content stays).
 */
final class FileTransportKeyDirectory implements TransportKeyDirectory {
    private final Path file;
    private volatile FileTime loadedAt;
    private volatile Map<ByteBuffer, TransportPeer> byKid = Map.of();

    FileTransportKeyDirectory(Path file) {
        this.file = file;
    }

    @Override
    public Optional<TransportPeer> byTransportKid(byte[] kid) {
        reloadIfChanged();
        return Optional.ofNullable(byKid.get(ByteBuffer.wrap(kid)));
    }

    private synchronized void reloadIfChanged() {
        try {
            if (!Files.exists(file)) {
                byKid = Map.of();
                loadedAt = null;
                return;
            }
            FileTime modified = Files.getLastModifiedTime(file);
            if (modified.equals(loadedAt)) {
                return;
            }
            byKid = parse(file);
            loadedAt = modified;
        } catch (IOException e) {
            throw new UncheckedIOException("transport key file " + file + " unreadable", e);
        }
    }

    static Map<ByteBuffer, TransportPeer> parse(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        Map<ByteBuffer, TransportPeer> out = new HashMap<>();
        for (String name : p.stringPropertyNames()) {
            String[] ids = name.split("/", -1);
            if (ids.length != 2) {
                throw new IOException(file + ": key '" + name + "' is not <tenant>/<device>");
            }
            VerificationKey key;
            try {
                key = Keys.publicKeyFromSpki(Base64.getDecoder().decode(p.getProperty(name).trim()));
            } catch (RuntimeException e) {
                throw new IOException(file + ": transport key of " + name + " is not a base64 SPKI: " + e.getMessage(), e);
            }
            out.put(ByteBuffer.wrap(key.kid()), new TransportPeer(ids[0], ids[1]));
        }
        return Map.copyOf(out);
    }
}
