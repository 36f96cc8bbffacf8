package io.sensorproof.gateway.standalone;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Decides whether an orphaned postmaster may be adopted by a restarted gateway (ADR 040): it must
 * answer a connection within a short timeout on the port its {@code postmaster.pid} names (and the
 * configured port, when one is configured), serve this data directory, run the major version the
 * cluster was created with, be out of recovery, and run with the durability settings the launcher
 * always sets ({@code fsync}, {@code synchronous_commit}, {@code full_page_writes} on) and only on
 * {@code localhost}. Anything else, and the launcher stops the orphan and starts a fresh server as
 * before.
 */
public interface PostmasterProbe {

    /**
     * @param pidFile the orphan's {@code postmaster.pid}
     * @param dataDirectory the cluster directory the launcher is about to use
     * @return the reasons not to adopt it; empty when it may be adopted
     */
    List<String> problems(PostmasterPidFile pidFile, Path dataDirectory);

    /** Never adopts: the behaviour before ADR 040 (stop the orphan, start a fresh server). */
    static PostmasterProbe never() {
        return (pidFile, dir) -> List.of("adoption is off");
    }

    /**
     * The probe of standalone mode: a JDBC connection as {@link EmbeddedDatabase#USER} with
     * {@code timeout} for connecting and for each statement.
     *
     * @param configuredPort the configured port, or 0 when any free port will do
     */
    static PostmasterProbe jdbc(int configuredPort, Duration timeout) {
        return (pidFile, dir) -> {
            List<String> problems = new ArrayList<>();
            if (pidFile.port() < 1) {
                return List.of("postmaster.pid names no port");
            }
            if (configuredPort != 0 && configuredPort != pidFile.port()) {
                return List.of("it listens on port " + pidFile.port() + ", the configured port is " + configuredPort);
            }
            Properties props = new Properties();
            props.setProperty("user", EmbeddedDatabase.USER);
            long seconds = Math.max(1, timeout.toSeconds());
            props.setProperty("connectTimeout", Long.toString(seconds));
            props.setProperty("loginTimeout", Long.toString(seconds));
            props.setProperty("socketTimeout", Long.toString(seconds));
            props.setProperty("ApplicationName", "sensorproof-adoption-probe");
            String url = "jdbc:postgresql://localhost:" + pidFile.port() + "/postgres";
            try (Connection c = DriverManager.getConnection(url, props); Statement s = c.createStatement()) {
                s.setQueryTimeout((int) seconds);
                expect(problems, s, "fsync", "on");
                expect(problems, s, "synchronous_commit", "on");
                expect(problems, s, "full_page_writes", "on");
                expect(problems, s, "listen_addresses", "localhost");
                String served = show(s, "data_directory");
                if (!sameFile(Path.of(served), dir)) {
                    problems.add("it serves " + served + ", not " + dir);
                }
                String major = show(s, "server_version_num");
                String clusterMajor = clusterMajorVersion(dir);
                if (clusterMajor != null && !major.startsWith(clusterMajor)) {
                    problems.add("it runs version " + major + ", the cluster is version " + clusterMajor);
                }
                try (ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
                    if (rs.next() && rs.getBoolean(1)) {
                        problems.add("it is in recovery");
                    }
                }
            } catch (SQLException e) {
                problems.add("it does not answer on localhost:" + pidFile.port() + " within " + timeout + ": " + e.getMessage());
            }
            return problems;
        };
    }

    private static void expect(List<String> problems, Statement s, String setting, String wanted) throws SQLException {
        String value = show(s, setting);
        if (!wanted.equals(value)) {
            problems.add(setting + " is " + value + ", not " + wanted);
        }
    }

    private static String show(Statement s, String setting) throws SQLException {
        // setting names are constants of this class
        try (ResultSet rs = s.executeQuery("SHOW " + setting)) {
            return rs.next() ? rs.getString(1) : "";
        }
    }

    /** The major version in {@code PG_VERSION} (e.g. {@code 16}), as a prefix of {@code server_version_num}; null if unreadable. */
    private static String clusterMajorVersion(Path dir) {
        try {
            String v = Files.readString(dir.resolve("PG_VERSION"), StandardCharsets.US_ASCII).trim();
            return v.matches("\\d+") ? v : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        }
    }
}
