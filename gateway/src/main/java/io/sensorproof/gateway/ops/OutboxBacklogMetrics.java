package io.sensorproof.gateway.ops;

import io.sensorproof.gateway.GatewaySettings;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The devices' own view of what they have not delivered yet, as reported in their newest status
 * (heartbeat) message: totals over all active devices, refreshed from {@code device_status} on a
 * timer (so every replica reports the same figures, whichever received the heartbeats). No
 * per-device label: the per-device figures are in {@code GET /api/v1/devices/{id}/status}.
 */
@ApplicationScoped
public class OutboxBacklogMetrics {
    private static final Logger LOG = Logger.getLogger(OutboxBacklogMetrics.class);
    static final String QUERY = """
            SELECT coalesce(sum(s.outbox_depth), 0), coalesce(sum(s.outbox_bytes), 0),
                   count(*) FILTER (WHERE s.outbox_depth > 0), coalesce(max(s.outbox_depth), 0),
                   coalesce(sum(s.kept_aside), 0)
            FROM device_status s JOIN devices d ON d.device_id = s.device_id
            WHERE d.status = 'ACTIVE'""";

    private final Pool pool;
    private final Vertx vertx;
    private final long refreshMillis;
    private final AtomicLong messages = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong devicesWithBacklog = new AtomicLong();
    private final AtomicLong largest = new AtomicLong();
    private final AtomicLong keptAside = new AtomicLong();
    private final AtomicLong refreshedAtMillis = new AtomicLong();
    private long timer = -1;

    OutboxBacklogMetrics(Pool pool, Vertx vertx, MeterRegistry meters,
            GatewaySettings settings) {
        java.time.Duration refresh = settings.metrics().backlogRefresh();
        this.pool = pool;
        this.vertx = vertx;
        this.refreshMillis = Math.max(1000, refresh.toMillis());
        Gauge.builder("sensorproof.devices.outbox.messages", messages, AtomicLong::get)
                .description("unacknowledged messages in the outboxes of active devices, as last reported by each").register(meters);
        Gauge.builder("sensorproof.devices.outbox.bytes", bytes, AtomicLong::get)
                .description("bytes held in the outboxes of active devices, as last reported by each").baseUnit("bytes").register(meters);
        Gauge.builder("sensorproof.devices.outbox.devices.backlogged", devicesWithBacklog, AtomicLong::get)
                .description("active devices whose last status reported a non-empty outbox").register(meters);
        Gauge.builder("sensorproof.devices.outbox.messages.max", largest, AtomicLong::get)
                .description("largest outbox depth reported by one active device").register(meters);
        Gauge.builder("sensorproof.devices.kept.aside", keptAside, AtomicLong::get)
                .description("messages the devices hold aside after a rejection, as last reported").register(meters);
        Gauge.builder("sensorproof.devices.outbox.refreshed", refreshedAtMillis, a -> a.get() / 1000.0)
                .description("when the outbox figures were last read from the database (epoch seconds)").baseUnit("seconds")
                .register(meters);
    }

    void start(@Observes StartupEvent event) {
        refresh();
        timer = vertx.setPeriodic(refreshMillis, id -> refresh());
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** Reads the totals again (asynchronously); a failure keeps the previous figures and is logged. */
    void refresh() {
        pool.query(QUERY).execute().subscribe().with(rows -> {
            Row row = rows.iterator().next();
            messages.set(row.getLong(0));
            bytes.set(row.getLong(1));
            devicesWithBacklog.set(row.getLong(2));
            largest.set(row.getLong(3));
            keptAside.set(row.getLong(4));
            refreshedAtMillis.set(System.currentTimeMillis());
        }, failure -> LOG.debugf("outbox backlog figures not refreshed: %s", failure.getMessage()));
    }
}
