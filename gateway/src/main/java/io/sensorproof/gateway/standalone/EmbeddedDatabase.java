package io.sensorproof.gateway.standalone;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * A running embedded PostgreSQL server: where to connect, what was found at start, and how to stop
 * it. {@link #close()} stops the server with a fast shutdown and waits for the postmaster to exit;
 * it is idempotent and safe to call from several threads (the second caller waits for the first).
 * The server is either started by the io.zonky library or, after a {@code kill -9} of the previous
 * gateway, that gateway's healthy orphan adopted as it runs ({@link #adopted()}, ADR 040).
 */
public final class EmbeddedDatabase implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(EmbeddedDatabase.class);
    /** The superuser initdb creates; the server trusts local connections (see the README). */
    public static final String USER = "postgres";

    /** A library-started server, or null when the server was adopted. */
    private final EmbeddedPostgres server;
    /** The adopted orphan, or null when the library started the server. */
    private final OrphanedPostmaster.Adopted adopted;
    private final EmbeddedPostgresSettings settings;
    private final OrphanCheck orphanCheck;
    private final long postmasterPid;
    private final int port;
    private boolean closed;

    EmbeddedDatabase(EmbeddedPostgres server, EmbeddedPostgresSettings settings, OrphanCheck orphanCheck) {
        this.server = server;
        this.adopted = null;
        this.settings = settings;
        this.orphanCheck = orphanCheck;
        this.postmasterPid = PostmasterPidFile.read(settings.clusterDirectory()).map(PostmasterPidFile::pid).orElse(-1L);
        this.port = server.getPort();
    }

    /** A server left running by a gateway that died, adopted instead of restarted (ADR 040). */
    EmbeddedDatabase(OrphanedPostmaster.Adopted adopted, EmbeddedPostgresSettings settings) {
        this.server = null;
        this.adopted = adopted;
        this.settings = settings;
        this.orphanCheck = adopted.check();
        this.postmasterPid = adopted.pidFile().pid();
        this.port = adopted.pidFile().port();
    }

    /** TCP port on localhost. */
    public int port() {
        return port;
    }

    /** True when this server was left by a gateway that died and adopted by this one (ADR 040). */
    public boolean adopted() {
        return adopted != null;
    }

    /** The PostgreSQL data directory. */
    public Path clusterDirectory() {
        return settings.clusterDirectory();
    }

    /** What was found in the data directory before this server started. */
    public OrphanCheck orphanCheck() {
        return orphanCheck;
    }

    /** The postmaster's pid, or -1 if {@code postmaster.pid} could not be read after start. */
    public long postmasterPid() {
        return postmasterPid;
    }

    /** JDBC URL of the gateway's database (for Flyway and tools). */
    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port() + "/" + settings.database();
    }

    /** Vert.x reactive client URL of the gateway's database (for Hibernate Reactive). */
    public String reactiveUrl() {
        return "postgresql://localhost:" + port() + "/" + settings.database();
    }

    /** A new JDBC connection to the gateway's database as the superuser. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), USER, "");
    }

    /** Quarkus datasource properties that point the application at this server. */
    public Map<String, String> quarkusDatasourceProperties() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("quarkus.datasource.jdbc.url", jdbcUrl());
        props.put("quarkus.datasource.reactive.url", reactiveUrl());
        props.put("quarkus.datasource.username", USER);
        return props;
    }

    /** Stops the server (fast shutdown) and waits up to a minute for the postmaster to exit. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (adopted != null) {
            // not started by the library: a fast shutdown (what pg_ctl stop -m fast sends), then the lock goes
            OrphanedPostmaster.stopAdopted(adopted.postmaster(), Duration.ofMinutes(1));
            adopted.release();
            LOG.infof("embedded PostgreSQL in %s (adopted, pid %d) stopped", clusterDirectory(), postmasterPid);
            return;
        }
        try {
            server.close();
        } catch (IOException e) {
            LOG.errorf(e, "stopping embedded PostgreSQL in %s failed", clusterDirectory());
        }
        // pg_ctl stop waits at most 5 s; a checkpoint with fsync on can take longer, so wait for
        // the postmaster itself before letting the JVM go.
        Optional<ProcessHandle> postmaster = postmasterPid > 0 ? ProcessHandle.of(postmasterPid) : Optional.empty();
        postmaster.ifPresent(p -> {
            try {
                p.onExit().get(Duration.ofMinutes(1).toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.warnf("embedded PostgreSQL pid %d still running after a minute", postmasterPid);
            }
        });
        LOG.infof("embedded PostgreSQL in %s stopped", clusterDirectory());
    }
}
