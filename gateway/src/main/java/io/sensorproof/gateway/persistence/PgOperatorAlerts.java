package io.sensorproof.gateway.persistence;

import io.sensorproof.gateway.core.ConflictAlert;
import io.sensorproof.gateway.core.OperatorAlerts;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Objects;

/**
 * The {@link OperatorAlerts} on PostgreSQL: a {@code CONFLICTING_DUPLICATE} row in
 * {@code operator_alerts} with {@code detail} = tenant, boot, seq, stored and received digest
 * (hex), source connection and receive time; {@code raised_at} is the receive time of the
 * conflicting message.
 *
 * <p>Deduplicated, as the port leaves to the adapter: anyone who captured a conflicting message can
 * replay it (it verifies), so while an alert for the same (device, boot, seq, received digest) is
 * open (not acknowledged), a repeat does not add a row but increments its {@code occurrences} and
 * sets {@code lastReceivedAt}/{@code lastSource} (partial unique index from V2).
 */
@ApplicationScoped
public class PgOperatorAlerts implements OperatorAlerts {
    /** {@code operator_alerts.kind} of a conflicting duplicate. */
    public static final String KIND = "CONFLICTING_DUPLICATE";

    static final String INSERT = """
            INSERT INTO operator_alerts (kind, device_id, detail, raised_at)
            VALUES ('CONFLICTING_DUPLICATE', $1, $2, $3)
            ON CONFLICT (device_id, (detail ->> 'boot'), (detail ->> 'seq'), (detail ->> 'receivedDigest'))
                WHERE kind = 'CONFLICTING_DUPLICATE' AND acknowledged_at IS NULL
            DO UPDATE SET detail = operator_alerts.detail || jsonb_build_object(
                'occurrences', coalesce((operator_alerts.detail ->> 'occurrences')::bigint, 1) + 1,
                'lastReceivedAt', EXCLUDED.detail -> 'receivedAt',
                'lastSource', EXCLUDED.detail -> 'source')""";

    private final Pool pool;
    private final Duration timeout;

    @Inject
    PgOperatorAlerts(Pool pool, PersistenceSettings settings) {
        this(pool, settings.storeTimeout());
    }

    PgOperatorAlerts(Pool pool, Duration timeout) {
        this.pool = Objects.requireNonNull(pool, "pool");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    @Override
    public void conflictingDuplicate(ConflictAlert alert) {
        Objects.requireNonNull(alert, "alert");
        JsonObject detail = new JsonObject()
                .put("tenant", alert.tenant())
                .put("boot", alert.key().boot())
                .put("seq", alert.key().seq())
                .put("storedDigest", alert.storedDigest().hex())
                .put("receivedDigest", alert.receivedDigest().hex())
                .put("source", alert.sourceConnectionId())
                .put("receivedAt", alert.receivedAt().toString())
                .put("occurrences", 1);
        Tuple params = Tuple.of(alert.key().deviceId(), detail, PgMessageStore.utc(alert.receivedAt()));
        Blocking.await(pool.preparedQuery(INSERT).execute(params), timeout, "raise alert for " + alert.key());
    }
}
