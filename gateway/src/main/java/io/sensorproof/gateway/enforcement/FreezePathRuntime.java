package io.sensorproof.gateway.enforcement;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.sensorproof.gateway.GatewaySettings;
import io.sensorproof.gateway.oracle.OracleJobs;
import io.sensorproof.oracle.jobs.Enqueued;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The freeze path's sweep in the gateway (ADR 024), every {@code sensorproof.oracle.enforcement-interval}
 * on replicas that run the oracle: register-device jobs for the devices of open lots
 * ({@link DeviceRegistrations}), jobs for stored run claims that have none ({@link PgRunClaims#unqueued}),
 * and claims the registry had already marked anchored. Everything it does is idempotent by key, so
 * replicas may sweep at the same time. Quarkus only wires; a failed sweep is logged and tried again.
 */
@ApplicationScoped
public class FreezePathRuntime {
    private static final Logger LOG = Logger.getLogger(FreezePathRuntime.class);

    @Inject
    GatewaySettings settings;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    OracleJobs oracle;

    private ScheduledExecutorService scheduler;

    void start(@Observes @Priority(3100) StartupEvent event) {
        if (!settings.oracle().enabled()) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "freeze-path-sweep");
            t.setDaemon(true);
            return t;
        });
        long millis = settings.oracle().enforcementInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::sweepSafely, millis, millis, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    private void sweepSafely() {
        try {
            sweep();
        } catch (RuntimeException e) {
            LOG.warnf("freeze path sweep failed (retried in %s): %s", settings.oracle().enforcementInterval(), e.getMessage());
        }
    }

    /** One sweep (also called by tests). */
    public void sweep() {
        Clock clock = Clock.systemUTC();
        DeviceRegistrations.Sweep registered = new DeviceRegistrations(dataSource, oracle.store()).sweep(clock.instant());
        if (!registered.enqueued().isEmpty()) {
            LOG.infof("register-device jobs enqueued for %s", registered.enqueued());
        }
        PgRunClaims claims = new PgRunClaims(dataSource);
        for (PgRunClaims.Unqueued u : claims.unqueued(100)) {
            Enqueued e = oracle.store().enqueue(u.job(), clock.instant());
            claims.jobEnqueued(u.claimId(), e.job().id());
        }
        claims.anchoredByOthers();
    }
}
