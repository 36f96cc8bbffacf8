package io.sensorproof.gateway.standalone;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of the embedded PostgreSQL server of standalone mode.
 *
 * @param clusterDirectory the PostgreSQL data directory ({@code <sensorproof.data-dir>/postgres}); kept between runs
 * @param port TCP port on localhost, 0 for a free one
 * @param database the database the gateway uses; created on first start
 * @param startupTimeout how long to wait for the server to accept connections (includes WAL recovery after a crash)
 * @param logFile where the server's own output goes (outside the cluster directory, so initdb finds it empty)
 */
public record EmbeddedPostgresSettings(Path clusterDirectory, int port, String database, Duration startupTimeout,
        Path logFile) {

    /** Name of the cluster directory below {@code sensorproof.data-dir}. */
    public static final String CLUSTER_DIRECTORY = "postgres";
    /** Name of the server log below {@code sensorproof.data-dir}. */
    public static final String LOG_FILE = "postgres.log";
    /** The database the gateway creates and uses. */
    public static final String DEFAULT_DATABASE = "sensorproof";

    public EmbeddedPostgresSettings {
        if (clusterDirectory == null || logFile == null || database == null || startupTimeout == null) {
            throw new IllegalArgumentException("clusterDirectory, logFile, database and startupTimeout are required");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0 (free port) or 1-65535, was " + port);
        }
        if (!database.matches("[a-z][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("database name must match [a-z][a-z0-9_]{0,62}, was " + database);
        }
        clusterDirectory = clusterDirectory.toAbsolutePath().normalize();
        logFile = logFile.toAbsolutePath().normalize();
    }

    /** Settings for a data directory: cluster in {@code postgres/}, log in {@code postgres.log}. */
    public static EmbeddedPostgresSettings under(Path dataDirectory, int port) {
        return new EmbeddedPostgresSettings(dataDirectory.resolve(CLUSTER_DIRECTORY), port, DEFAULT_DATABASE,
                Duration.ofMinutes(2), dataDirectory.resolve(LOG_FILE));
    }
}
