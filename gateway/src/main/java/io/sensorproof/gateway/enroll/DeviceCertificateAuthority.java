package io.sensorproof.gateway.enroll;

import io.sensorproof.gateway.GatewaySettings;
import io.quarkus.runtime.StartupEvent;
import io.sensorproof.gateway.enroll.CaKeyStore.CaEntry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jboss.logging.Logger;

/**
 * The gateway's device CA: the generations in the PKCS#12 key store (see {@link CaKeyStore}),
 * loaded at start (a key store or password file that group or others can read fails the start),
 * created at the first start when missing (unless {@code sensorproof.ca.create-if-missing=false}),
 * and reloaded when the file changes, so a generation added by {@link #rotate()} on one replica, or
 * installed with keytool, is picked up by every replica that shares the file.
 */
@ApplicationScoped
public class DeviceCertificateAuthority {
    private static final Logger LOG = Logger.getLogger(DeviceCertificateAuthority.class);

    @Inject
    GatewaySettings config;

    private final Clock clock = Clock.systemUTC();
    private final SecureRandom random = new SecureRandom();
    private Path file;
    private char[] password;
    private volatile Loaded loaded;

    private record Loaded(CaGenerations generations, FileTime modified, long size) {
    }

    void start(@Observes StartupEvent event) {
        open();
    }

    /** Opens (or creates) the key store; idempotent. */
    synchronized void open() {
        if (loaded != null) {
            return;
        }
        Path dataDir = Path.of(config.dataDir());
        file = config.ca().file().map(Path::of).orElse(dataDir.resolve("device-ca.p12"));
        boolean exists = Files.exists(file);
        if (!exists && !config.ca().createIfMissing()) {
            throw new CaStoreException("the device CA key store " + file + " does not exist and sensorproof.ca.create-if-missing is false");
        }
        password = resolvePassword(dataDir, exists);
        if (!exists) {
            CaEntry created = CaKeyStore.addGeneration(file, password, clock.instant(), config.ca().validity(), random);
            LOG.infof("created the device CA %s in %s (fingerprint %s)", created.alias(), file.toAbsolutePath(), created.fingerprintHex());
        }
        reload();
        CaEntry current = loaded.generations().current();
        LOG.infof("device CA %s (fingerprint %s), %d generation(s) in %s", current.alias(), current.fingerprintHex(),
                loaded.generations().entries().size(), file.toAbsolutePath());
    }

    private char[] resolvePassword(Path dataDir, boolean storeExists) {
        if (config.ca().password().isPresent() && !config.ca().password().get().isEmpty()) {
            return config.ca().password().get().toCharArray();
        }
        Path passwordFile = config.ca().passwordFile().map(Path::of).orElse(dataDir.resolve("device-ca.password"));
        if (Files.exists(passwordFile)) {
            return CaKeyStore.readPasswordFile(passwordFile);
        }
        if (!storeExists) {
            LOG.infof("writing a random device CA password to %s (mode 0600)", passwordFile.toAbsolutePath());
            return CaKeyStore.createPasswordFile(passwordFile, random);
        }
        throw new CaStoreException("no password for the device CA key store " + file
                + ": set SENSORPROOF_CA_PASSWORD or sensorproof.ca.password-file (" + passwordFile + " does not exist)");
    }

    private synchronized void reload() {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            long size = Files.size(file);
            Loaded current = loaded;
            if (current != null && current.modified().equals(modified) && current.size() == size) {
                return;
            }
            loaded = new Loaded(new CaGenerations(CaKeyStore.load(file, password), config.ca().rotationWindow()), modified, size);
        } catch (IOException e) {
            throw new CaStoreException("cannot read the device CA key store " + file + ": " + e.getMessage(), e);
        }
    }

    /** The CA generations, reloaded when the key store file changed. */
    public CaGenerations generations() {
        if (loaded == null) {
            open();
        }
        try {
            reload();
        } catch (CaStoreException e) {
            // a half-copied or unreadable replacement: keep serving the generations already loaded
            LOG.warnf("keeping the loaded device CA: %s", e.getMessage());
        }
        return loaded.generations();
    }

    /** The current CA generation (signs new certificates; new tokens pin it). */
    public CaEntry current() {
        return generations().current();
    }

    /**
     * The CA certificates devices are trusted by: the current CA first, then replaced CAs still in
     * their rotation window (for DTLS client authentication).
     */
    public List<X509Certificate> trustedCaCertificates() {
        return generations().trustedCertificates(clock.instant());
    }

    /** Adds a freshly generated CA generation, which becomes current; the previous one stays trusted for the rotation window. */
    public synchronized CaEntry rotate() {
        Objects.requireNonNull(loaded, "CA not opened");
        CaEntry created = CaKeyStore.addGeneration(file, password, clock.instant(), config.ca().validity(), random);
        reload();
        LOG.infof("device CA rotated: %s (fingerprint %s) is current", created.alias(), created.fingerprintHex());
        return created;
    }

    /** Now, by the CA's clock. */
    Instant now() {
        return clock.instant();
    }
}
