package io.sensorproof.gateway;

import java.nio.file.Path;

/**
 * Where the in-JVM tests ({@code @QuarkusTest} and their test resources) keep their data: {@code target/test-data} and
 * {@code target/test-logs}, with the failsafe fork appended when the integration tests run in more than one
 * fork (system property {@code test.fork}, set to {@code fork-${surefire.forkNumber}} in the parent pom), so that two forks never
 * share a PostgreSQL cluster, a broker directory or a log file (ADR 046).
 */
public final class TestDataDirs {
    private TestDataDirs() {
    }

    /** The data directory root of this test JVM, absolute. */
    public static Path root() {
        return Path.of("target", "test-data" + suffix()).toAbsolutePath();
    }

    /** The JSON log file of the in-JVM application (profile {@code test}) of this test JVM. */
    public static Path logFile() {
        return Path.of("target", "test-logs" + suffix(), "gateway.log.json");
    }

    private static String suffix() {
        String fork = System.getProperty("test.fork", "");
        return fork.isBlank() ? "" : "-" + fork.trim();
    }
}
