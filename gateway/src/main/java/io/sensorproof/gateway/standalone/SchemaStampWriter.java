package io.sensorproof.gateway.standalone;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.jboss.logging.Logger;

/**
 * Records {@link SchemaStamp} after a start in which Flyway validated and migrated the embedded database
 * (or was skipped because nothing had changed): the build fingerprint the launcher computed and the schema
 * history as it is now. Does nothing unless the launcher asked for it (standalone mode with the embedded
 * database, a packaged build). Runs after MQTT ingestion has subscribed; on any failure the stamp is
 * removed, so the next start runs Flyway.
 */
@ApplicationScoped
public class SchemaStampWriter {
    private static final Logger LOG = Logger.getLogger(SchemaStampWriter.class);

    @Inject
    AgroalDataSource dataSource;

    void record(@Observes @Priority(5000) StartupEvent event) {
        String file = System.getProperty(SchemaStamp.FILE_PROPERTY);
        String build = System.getProperty(SchemaStamp.BUILD_PROPERTY);
        if (file == null || build == null) {
            return;
        }
        Path stampFile = Path.of(file);
        try (Connection c = dataSource.getConnection()) {
            SchemaStamp.write(stampFile, new SchemaStamp.Stamp(build, SchemaStamp.historyFingerprint(SchemaStamp.readHistory(c))));
        } catch (SQLException | IOException | RuntimeException e) {
            LOG.warn("cannot record the schema stamp " + stampFile + " (the next start runs Flyway): " + e.getMessage());
            try {
                SchemaStamp.delete(stampFile);
            } catch (IOException ignored) {
                // an older stamp names a build and history Flyway accepted before: still true of them
            }
        }
    }
}
