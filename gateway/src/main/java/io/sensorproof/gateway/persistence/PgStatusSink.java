package io.sensorproof.gateway.persistence;

import io.sensorproof.gateway.core.RegisteredDevice;
import io.sensorproof.gateway.core.StatusSink;
import io.sensorproof.protocol.status.AgentStatus;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The {@link StatusSink} on PostgreSQL: one {@code device_status} row per device, replaced only by
 * a newer status (higher boot, or the same boot and a later device time), so a replayed old
 * heartbeat cannot overwrite a fresh one. {@code skew_ms} = receive time − device time.
 */
@ApplicationScoped
public class PgStatusSink implements StatusSink {
    static final String UPSERT = """
            INSERT INTO device_status (device_id, boot, device_time, received_at, skew_ms, outbox_depth, outbox_bytes,
                oldest_unacked_boot, oldest_unacked_seq, last_acked_boot, last_acked_seq, clock_steps, kept_aside)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
            ON CONFLICT (device_id) DO UPDATE SET boot = EXCLUDED.boot, device_time = EXCLUDED.device_time,
                received_at = EXCLUDED.received_at, skew_ms = EXCLUDED.skew_ms, outbox_depth = EXCLUDED.outbox_depth,
                outbox_bytes = EXCLUDED.outbox_bytes, oldest_unacked_boot = EXCLUDED.oldest_unacked_boot,
                oldest_unacked_seq = EXCLUDED.oldest_unacked_seq, last_acked_boot = EXCLUDED.last_acked_boot,
                last_acked_seq = EXCLUDED.last_acked_seq, clock_steps = EXCLUDED.clock_steps, kept_aside = EXCLUDED.kept_aside
            WHERE (EXCLUDED.boot, EXCLUDED.device_time) > (device_status.boot, device_status.device_time)""";

    private final Pool pool;
    private final Duration timeout;

    @Inject
    PgStatusSink(Pool pool, PersistenceSettings settings) {
        this.pool = Objects.requireNonNull(pool, "pool");
        this.timeout = settings.storeTimeout();
    }

    @Override
    public void record(RegisteredDevice device, AgentStatus status, Instant receivedAt) {
        Blocking.await(pool.preparedQuery(UPSERT).execute(params(device, status, receivedAt)), timeout, "record status of " + device.deviceId());
    }

    /** The statuses of a batch in one transaction: one round trip and one commit. */
    @Override
    public void recordAll(List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        if (entries.size() == 1) {
            Entry e = entries.get(0);
            record(e.device(), e.status(), e.receivedAt());
            return;
        }
        List<Tuple> batch = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            batch.add(params(e.device(), e.status(), e.receivedAt()));
        }
        Blocking.await(pool.withTransaction(c -> c.preparedQuery(UPSERT).executeBatch(batch)), timeout,
                "record " + entries.size() + " statuses");
    }

    private static Tuple params(RegisteredDevice device, AgentStatus status, Instant receivedAt) {
        Instant deviceTime = Instant.ofEpochMilli(status.deviceTimeMillis());
        return Tuple.tuple()
                .addString(device.deviceId())
                .addLong(status.boot())
                .addValue(PgMessageStore.utc(deviceTime))
                .addValue(PgMessageStore.utc(receivedAt))
                .addLong(receivedAt.toEpochMilli() - status.deviceTimeMillis())
                .addLong(status.outboxDepth())
                .addLong(status.outboxBytes())
                .addValue(status.oldestUnacknowledged().map(AgentStatus.BootSeq::boot).orElse(null))
                .addValue(status.oldestUnacknowledged().map(AgentStatus.BootSeq::seq).orElse(null))
                .addValue(status.lastAcknowledged().map(AgentStatus.BootSeq::boot).orElse(null))
                .addValue(status.lastAcknowledged().map(AgentStatus.BootSeq::seq).orElse(null))
                .addLong(status.clockSteps())
                .addLong(status.keptAside());
    }
}
