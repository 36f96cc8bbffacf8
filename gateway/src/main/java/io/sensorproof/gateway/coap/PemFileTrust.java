package io.sensorproof.gateway.coap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.Supplier;

/**
 * Device CA certificates from a PEM file, reread when the file changes: the DTLS trust until the
 * enrollment CA ({@code DeviceCertificateAuthority.trustedCaCertificates()}) is wired in its place.
 * A file that turns unreadable keeps the last good list (and logs nothing new per handshake).
 */
final class PemFileTrust implements Supplier<List<X509Certificate>> {
    private final Path file;
    private volatile FileTime loadedAt;
    private volatile List<X509Certificate> certificates = List.of();

    PemFileTrust(Path file) {
        this.file = file;
        try {
            certificates = CoapServerIdentity.readCertificates(file);
            loadedAt = Files.getLastModifiedTime(file);
        } catch (IOException | GeneralSecurityException e) {
            throw new UncheckedIOException(new IOException("device CA file " + file + " is unusable: " + e.getMessage(), e));
        }
    }

    @Override
    public List<X509Certificate> get() {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            if (!modified.equals(loadedAt)) {
                certificates = CoapServerIdentity.readCertificates(file);
                loadedAt = modified;
            }
        } catch (IOException | GeneralSecurityException e) {
            return certificates;
        }
        return certificates;
    }
}
