package io.sensorproof.gateway.persistence;

import io.quarkus.runtime.StartupEvent;
import io.sensorproof.gateway.GatewaySettings;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/**
 * Readiness of the database as the application uses it (through the reactive pool): it answers,
 * and it commits durably ({@code fsync}, {@code full_page_writes} on and {@code synchronous_commit}
 * not off). The gateway acknowledges a message to its device only after the commit, so a server
 * that may lose committed transactions would turn those acknowledgements into lost data.
 */
@Readiness
@ApplicationScoped
public class DatabaseDurabilityCheck implements AsyncHealthCheck {
    private static final Logger LOG = Logger.getLogger(DatabaseDurabilityCheck.class);
    static final String NAME = "database-durability";
    private static final String QUERY = "SELECT current_setting('fsync'), current_setting('synchronous_commit'),"
            + " current_setting('full_page_writes')";

    private final Pool pool;
    private final boolean requireDurable;

    DatabaseDurabilityCheck(Pool pool, GatewaySettings settings) {
        this.pool = pool;
        this.requireDurable = settings.database().requireDurable();
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return pool.query(QUERY).execute()
                .map(rows -> toResponse(rows.iterator().next()))
                .onFailure().recoverWithItem(failure -> HealthCheckResponse.named(NAME).down()
                        .withData("error", String.valueOf(failure.getMessage())).build());
    }

    void warnAtStartup(@Observes StartupEvent event) {
        call().subscribe().with(response -> {
            if (response.getStatus() == HealthCheckResponse.Status.DOWN) {
                LOG.warnf("the database is not ready or not durable: %s", response.getData().orElse(null));
            }
        }, failure -> LOG.warn("database durability check failed", failure));
    }

    private HealthCheckResponse toResponse(Row row) {
        String fsync = row.getString(0);
        String synchronousCommit = row.getString(1);
        String fullPageWrites = row.getString(2);
        boolean durable = "on".equals(fsync) && "on".equals(fullPageWrites) && !"off".equals(synchronousCommit);
        HealthCheckResponseBuilder builder = HealthCheckResponse.named(NAME)
                .withData("fsync", fsync)
                .withData("synchronous_commit", synchronousCommit)
                .withData("full_page_writes", fullPageWrites)
                .withData("durable", durable);
        return (durable || !requireDurable ? builder.up() : builder.down()).build();
    }
}
