package io.sensorproof.gateway.ops;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;

/**
 * Removes the application's own meters ({@code sensorproof.*}) from the registry when the
 * application stops. Many of them are function meters bound to state of this application instance
 * (pipeline counters, queue depths, backlog figures); Micrometer keeps a meter registered in a
 * composite registry across a restart in the same JVM (as between test applications) and returns
 * that stale meter to the next registration with the same id, which would then report the old
 * instance's values or NaN. Removing them lets the next start register fresh ones.
 */
@ApplicationScoped
public class ApplicationMeters {
    /** Prefix of every meter this application defines. */
    public static final String PREFIX = "sensorproof.";

    private final MeterRegistry meters;

    ApplicationMeters(MeterRegistry meters) {
        this.meters = meters;
    }

    void removeOnStop(@Observes ShutdownEvent event) {
        List<Meter> own = meters.getMeters().stream().filter(m -> m.getId().getName().startsWith(PREFIX)).toList();
        own.forEach(meters::remove);
    }
}
