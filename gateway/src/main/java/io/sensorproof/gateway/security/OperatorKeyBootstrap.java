package io.sensorproof.gateway.security;

import io.quarkus.runtime.StartupEvent;
import io.sensorproof.gateway.GatewaySettings;
import io.sensorproof.gateway.security.ApiKeyStore.CreatedApiKey;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * First start: when {@code api_keys} is empty, creates one operator key, prints it once to the
 * console (between clearly marked lines, straight to standard output and not through the logger,
 * whose handlers include the persistent JSON log file) and writes it to
 * {@code <sensorproof.data-dir>/}{@value #FILE_NAME} with mode 0600, so that the operator of a fresh
 * installation can call the API. The log records only that a key was made, never the key; later
 * starts find the table non-empty. The file is left for the operator to read
 * and delete; it is replaced only when a new bootstrap key is made (a new database).
 */
@ApplicationScoped
public class OperatorKeyBootstrap {
    /** Name of the file the bootstrap key is written to, in the data directory. */
    public static final String FILE_NAME = "operator-api-key";
    /** Label of the bootstrap key in {@code api_keys}. */
    public static final String LABEL = "bootstrap operator key";
    private static final Logger LOG = Logger.getLogger(OperatorKeyBootstrap.class);

    private final ApiKeyStore store;
    private final Path keyFile;
    private final PrintStream console = System.out;

    OperatorKeyBootstrap(ApiKeyStore store, GatewaySettings settings) {
        this.store = store;
        this.keyFile = Path.of(settings.dataDir()).toAbsolutePath().normalize().resolve(FILE_NAME);
    }

    void onStart(@Observes StartupEvent event) {
        bootstrapIfEmpty();
    }

    /** Where the bootstrap key is (or would be) written. */
    public Path keyFile() {
        return keyFile;
    }

    /**
     * Creates, prints and writes the bootstrap key when no key exists; empty otherwise. Blocking: it
     * runs on the startup thread, so the API never serves before a key exists.
     */
    public Optional<CreatedApiKey> bootstrapIfEmpty() {
        Optional<CreatedApiKey> created = store.createIfNoneExists(LABEL).await().atMost(Duration.ofMinutes(1));
        created.ifPresent(this::announce);
        return created;
    }

    private void announce(CreatedApiKey key) {
        String written;
        try {
            writeOwnerOnly(keyFile, key.key() + "\n");
            written = "It is also in " + keyFile + " (mode 0600); delete that file once the key is stored safely.";
        } catch (IOException | UncheckedIOException | UnsupportedOperationException e) {
            written = "It could NOT be written to " + keyFile + " (" + e + "); copy it from this console now.";
        }
        // the secret goes to the console stream only, never through the logger: the log handlers
        // include a rotated JSON file under the data directory that log shippers collect
        console.println(String.format("%n========== sensorproof: BOOTSTRAP OPERATOR API KEY (shown once, on this console only) =========="
                + "%n%s%n"
                + "Use it as 'Authorization: Bearer <key>' on /api/v1. API key id %d. %s"
                + "%n=================================================================================================",
                key.key(), key.id(), written));
        console.flush();
        LOG.warnf("bootstrap operator API key created (API key id %d); it was printed on the console and written to %s, and is not logged",
                key.id(), keyFile);
    }

    /** Writes {@code text} to {@code file} readable by the owner only, replacing it atomically. */
    static void writeOwnerOnly(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(tmp);
        }
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
