package io.sensorproof.gateway;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.sensorproof.gateway.standalone.EmbeddedDatabase;
import io.sensorproof.gateway.standalone.EmbeddedPostgresLauncher;
import io.sensorproof.gateway.standalone.EmbeddedPostgresSettings;
import io.sensorproof.gateway.standalone.OrphanedPostmaster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Does for {@code @QuarkusTest} what {@link io.sensorproof.gateway.standalone.GatewayMain} does for
 * the packaged application: starts the embedded PostgreSQL server through the same launcher before
 * Quarkus reads its datasource configuration, and hands Quarkus the URLs. Each run starts from an
 * empty {@code target/test-data/quarkus} (one per failsafe fork, {@link TestDataDirs}) so migrations run from scratch.
 */
public class EmbeddedPostgresTestResource implements QuarkusTestResourceLifecycleManager {
    private EmbeddedDatabase database;

    @Override
    public Map<String, String> start() {
        Path dataDir = TestDataDirs.root().resolve("quarkus");
        // A test JVM killed during an earlier run leaves its server running: stop it before its
        // directory goes, or it would linger on a deleted directory.
        OrphanedPostmaster.withDefaultWaits()
                .stopIfOrphaned(dataDir.resolve(EmbeddedPostgresSettings.CLUSTER_DIRECTORY));
        deleteRecursively(dataDir);
        database = EmbeddedPostgresLauncher.withDefaults().start(EmbeddedPostgresSettings.under(dataDir, 0));
        java.util.Map<String, String> properties = new java.util.HashMap<>(database.quarkusDatasourceProperties());
        // keys the application writes (operator API key, acknowledgement key) stay under target/
        properties.putIfAbsent("sensorproof.data-dir", TestDataDirs.root().toString());
        // the test profile's JSON log, one file per fork (OperationsIT reads it)
        properties.putIfAbsent("%test.quarkus.log.file.path", TestDataDirs.logFile().toString());
        return properties;
    }

    @Override
    public void stop() {
        if (database != null) {
            database.close();
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean " + dir, e);
        }
    }
}
