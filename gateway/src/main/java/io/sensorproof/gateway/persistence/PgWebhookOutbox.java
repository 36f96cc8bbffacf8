package io.sensorproof.gateway.persistence;

import io.sensorproof.gateway.core.webhooks.AttemptResult;
import io.sensorproof.gateway.core.webhooks.ClaimedDelivery;
import io.sensorproof.gateway.core.webhooks.DeliveryAttempt;
import io.sensorproof.gateway.core.webhooks.DeliveryState;
import io.sensorproof.gateway.core.webhooks.DeliveryStatus;
import io.sensorproof.gateway.core.webhooks.WebhookEndpoint;
import io.sensorproof.gateway.core.webhooks.WebhookEndpointStore;
import io.sensorproof.gateway.core.webhooks.WebhookError;
import io.sensorproof.gateway.core.webhooks.WebhookMessage;
import io.sensorproof.gateway.core.webhooks.WebhookOutbox;
import io.sensorproof.gateway.core.webhooks.WebhookSecret;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The {@link WebhookOutbox} and {@link WebhookEndpointStore} on PostgreSQL (tables of V9), a plain
 * class on the gateway's reactive pool, blocking on the caller's thread like the other adapters
 * ({@code Blocking}); the dispatcher calls it from its own threads, never from an event loop.
 *
 * <p><b>Same transaction as the event.</b> {@link #enqueue(SqlConnection, WebhookMessage)} joins the
 * caller's transaction (the one committing the alert), so a committed event always has its
 * deliveries and a rolled-back one none; (endpoint, event) is unique, so a repeat is a no-op.
 *
 * <p><b>Claiming with several replicas.</b> One transaction of two statements. The first locks
 * endpoints that are enabled, have no unexpired lease and have a due delivery, {@code FOR NO KEY
 * UPDATE SKIP LOCKED}, in round-robin order ({@code last_claimed_at}); a replica that meets a locked
 * endpoint skips it, one that gets the lock just after another's commit re-checks the row and sees
 * the lease. The second statement, whose snapshot is taken after the locks, picks each locked
 * endpoint's oldest due delivery and writes the lease (random token, until, delivery) on the
 * endpoint. Two statements, because within one the delivery rows would be read in the snapshot
 * taken before the lock: a claimer that waited out another replica's claim-send-record would still
 * see the just-delivered row as due and send it again ({@code PgWebhookOutboxIT} caught exactly
 * that). So at most one delivery per endpoint is in flight across all replicas, a slow or dead
 * endpoint holds one slot, and no delivery is sent by two replicas at once while its lease holds
 * (the dispatcher's lease outlasts its request timeout). The lock is {@code NO KEY UPDATE}, not
 * {@code UPDATE}: an enqueue's foreign key check takes {@code KEY SHARE} on the endpoint and so
 * never waits for a claim. A dispatcher that dies leaves the lease to run out, and the delivery is
 * claimed again: at least once.
 *
 * <p><b>Recording.</b> One transaction: update the delivery (its row lock orders concurrent
 * recorders, so attempt numbers are unique; a DELIVERED row stays DELIVERED), append the attempt,
 * then release the endpoint's lease only if the token is still this claim's, disabling the endpoint
 * on 410. Lock order: delivery, then endpoint; claims lock only endpoints.
 */
public final class PgWebhookOutbox implements WebhookOutbox, WebhookEndpointStore {
    /** Claim, first statement: lock the free endpoints that have a due delivery. */
    static final String LOCK_FREE = """
            SELECT e.id FROM webhook_endpoints e
            WHERE e.enabled AND (e.lease_until IS NULL OR e.lease_until <= $1)
              AND EXISTS (SELECT 1 FROM webhook_deliveries d
                          WHERE d.endpoint_id = e.id AND d.state = 'PENDING' AND d.next_attempt_at <= $1)
            ORDER BY e.last_claimed_at NULLS FIRST, e.id
            LIMIT $2
            FOR NO KEY UPDATE SKIP LOCKED""";

    /**
     * Claim, second statement (a fresh snapshot, taken after the locks): each locked endpoint's
     * oldest due delivery, and the lease on the endpoint.
     */
    static final String LEASE = """
            WITH picked AS (
                SELECT DISTINCT ON (d.endpoint_id) d.id, d.endpoint_id
                FROM webhook_deliveries d
                WHERE d.endpoint_id = ANY($2) AND d.state = 'PENDING' AND d.next_attempt_at <= $1
                ORDER BY d.endpoint_id, d.next_attempt_at, d.id
            ), leased AS (
                UPDATE webhook_endpoints e
                SET lease_token = gen_random_uuid(), lease_until = $3, lease_delivery_id = p.id, last_claimed_at = $1
                FROM picked p WHERE e.id = p.endpoint_id
                RETURNING e.id, e.tenant_id, e.url, e.enabled, e.lease_token, p.id AS delivery_id
            )
            SELECT l.id, l.tenant_id, l.url, l.enabled, l.lease_token::text AS lease_token, l.delivery_id,
                   d.event_id, d.body, d.enqueued_at, d.attempts,
                   (SELECT coalesce(json_agg(json_build_object('secret', s.secret, 'from', s.valid_from,
                                                               'until', s.valid_until) ORDER BY s.valid_from), '[]')
                    FROM webhook_secrets s WHERE s.endpoint_id = l.id) AS secrets
            FROM leased l JOIN webhook_deliveries d ON d.id = l.delivery_id""";

    static final String RECORD = """
            WITH d AS (
                UPDATE webhook_deliveries SET
                    attempts = attempts + 1,
                    state = CASE WHEN state = 'DELIVERED' THEN state ELSE $2 END,
                    next_attempt_at = CASE WHEN state = 'DELIVERED' THEN next_attempt_at
                                           ELSE coalesce($3, next_attempt_at) END,
                    last_status = coalesce($4, last_status),
                    last_error = CASE WHEN state = 'DELIVERED' THEN last_error ELSE $5 END,
                    delivered_at = CASE WHEN state <> 'DELIVERED' AND $2 = 'DELIVERED' THEN $6 ELSE delivered_at END
                WHERE id = $1
                RETURNING attempts, endpoint_id, event_id
            )
            INSERT INTO webhook_attempts (delivery_id, attempt, endpoint_id, event_id, started_at, latency_ms, status,
                                          error, detail, state_after)
            SELECT $1, d.attempts, d.endpoint_id, d.event_id, $7, $8, $4, $9, $10, $2 FROM d
            RETURNING endpoint_id""";

    static final String RELEASE = """
            UPDATE webhook_endpoints SET
                enabled = enabled AND NOT $3,
                lease_token = CASE WHEN lease_token::text = $2 THEN NULL ELSE lease_token END,
                lease_until = CASE WHEN lease_token::text = $2 THEN NULL ELSE lease_until END,
                lease_delivery_id = CASE WHEN lease_token::text = $2 THEN NULL ELSE lease_delivery_id END
            WHERE id = $1""";

    static final String ENQUEUE = """
            INSERT INTO webhook_deliveries (endpoint_id, event_id, body, enqueued_at, next_attempt_at)
            VALUES ($1, $2, $3, $4, $4)
            ON CONFLICT (endpoint_id, event_id) DO NOTHING
            RETURNING id""";

    private final Pool pool;
    private final Duration timeout;

    /**
     * @param pool the gateway's reactive PostgreSQL pool
     * @param timeout the longest one database call may take
     */
    public PgWebhookOutbox(Pool pool, Duration timeout) {
        this.pool = Objects.requireNonNull(pool, "pool");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** Enqueues in the caller's transaction; completes with whether a delivery was added. */
    public Uni<Boolean> enqueue(SqlConnection transaction, WebhookMessage message) {
        return enqueueOn(transaction, message);
    }

    private static Uni<Boolean> enqueueOn(SqlClient client, WebhookMessage m) {
        return client.preparedQuery(ENQUEUE)
                .execute(Tuple.of(m.endpointId(), m.eventId(), Buffer.buffer(m.body()), PgMessageStore.utc(m.enqueuedAt())))
                .map(rows -> rows.rowCount() == 1);
    }

    @Override
    public boolean enqueue(WebhookMessage message) {
        return Blocking.await(enqueueOn(pool, message), timeout, "enqueue webhook " + message.eventId());
    }

    @Override
    public List<ClaimedDelivery> claimDue(Instant now, int limit, Duration lease) {
        if (limit <= 0) {
            return List.of();
        }
        Instant until = now.plus(lease);
        OffsetDateTime at = PgMessageStore.utc(now);
        RowSet<Row> rows = Blocking.await(pool.withTransaction(conn -> conn.preparedQuery(LOCK_FREE)
                .execute(Tuple.of(at, limit)).chain(locked -> {
                    List<String> ids = new ArrayList<>();
                    locked.forEach(r -> ids.add(r.getString(0)));
                    return conn.preparedQuery(LEASE).execute(Tuple.of(at, ids.toArray(String[]::new), PgMessageStore.utc(until)));
                })), timeout, "claim webhook deliveries");
        List<ClaimedDelivery> out = new ArrayList<>();
        for (Row r : rows) {
            WebhookEndpoint endpoint = new WebhookEndpoint(r.getString("id"), r.getString("tenant_id"),
                    URI.create(r.getString("url")), secrets(jsonArray(r.getValue("secrets"))), r.getBoolean("enabled"));
            WebhookMessage message = new WebhookMessage(endpoint.id(), r.getString("event_id"),
                    r.getBuffer("body").getBytes(), r.getOffsetDateTime("enqueued_at").toInstant());
            out.add(new ClaimedDelivery(r.getLong("delivery_id"), message, endpoint, r.getInteger("attempts"),
                    r.getString("lease_token"), until));
        }
        return out;
    }

    private static JsonArray jsonArray(Object value) {
        return value instanceof JsonArray a ? a : new JsonArray(String.valueOf(value));
    }

    private static List<WebhookSecret> secrets(JsonArray json) {
        List<WebhookSecret> out = new ArrayList<>();
        for (int i = 0; i < json.size(); i++) {
            JsonObject s = json.getJsonObject(i);
            String until = s.getString("until");
            out.add(new WebhookSecret(s.getString("secret"), OffsetDateTime.parse(s.getString("from")).toInstant(),
                    until == null ? WebhookSecret.FOREVER : OffsetDateTime.parse(until).toInstant()));
        }
        return out;
    }

    @Override
    public void recordAttempt(ClaimedDelivery claimed, AttemptResult result) {
        Tuple record = Tuple.tuple(List.of(claimed.deliveryId(), result.state().name()))
                .addValue(result.nextAttemptAt().map(PgMessageStore::utc).orElse(null))
                .addValue(result.status().isPresent() ? result.status().getAsInt() : null)
                .addValue(result.error().map(e -> e.name() + ": " + result.detail()).orElse(null))
                .addValue(PgMessageStore.utc(result.startedAt().plus(result.latency())))
                .addValue(PgMessageStore.utc(result.startedAt()))
                .addValue(result.latency().toMillis())
                .addValue(result.error().map(Enum::name).orElse(null))
                .addValue(result.detail());
        Tuple release = Tuple.of(claimed.endpoint().id(), claimed.leaseToken(), result.disableEndpoint());
        Blocking.await(pool.withTransaction(conn -> conn.preparedQuery(RECORD).execute(record)
                .chain(rows -> {
                    if (rows.rowCount() != 1) {
                        return Uni.createFrom().failure(new IllegalStateException("no delivery " + claimed.deliveryId()));
                    }
                    return conn.preparedQuery(RELEASE).execute(release);
                })), timeout, "record webhook attempt of delivery " + claimed.deliveryId());
    }

    @Override
    public List<DeliveryAttempt> history(String endpointId, int limit) {
        RowSet<Row> rows = Blocking.await(pool.preparedQuery("""
                SELECT delivery_id, event_id, attempt, started_at, latency_ms, status, error, detail, state_after
                FROM webhook_attempts WHERE endpoint_id = $1
                ORDER BY started_at DESC, delivery_id DESC, attempt DESC LIMIT $2""").execute(Tuple.of(endpointId, limit)),
                timeout, "webhook history of " + endpointId);
        List<DeliveryAttempt> out = new ArrayList<>();
        for (Row r : rows) {
            Integer status = r.getInteger("status");
            String error = r.getString("error");
            out.add(new DeliveryAttempt(r.getLong("delivery_id"), r.getString("event_id"), r.getInteger("attempt"),
                    r.getOffsetDateTime("started_at").toInstant(), Duration.ofMillis(r.getLong("latency_ms")),
                    status == null ? OptionalInt.empty() : OptionalInt.of(status),
                    Optional.ofNullable(error).map(WebhookError::valueOf), r.getString("detail"),
                    DeliveryState.valueOf(r.getString("state_after"))));
        }
        return out;
    }

    @Override
    public Optional<DeliveryStatus> status(String endpointId, String eventId) {
        RowSet<Row> rows = Blocking.await(pool.preparedQuery("""
                SELECT id, state, attempts, next_attempt_at, last_status, last_error
                FROM webhook_deliveries WHERE endpoint_id = $1 AND event_id = $2""").execute(Tuple.of(endpointId, eventId)),
                timeout, "webhook delivery status");
        for (Row r : rows) {
            DeliveryState state = DeliveryState.valueOf(r.getString("state"));
            Integer lastStatus = r.getInteger("last_status");
            return Optional.of(new DeliveryStatus(r.getLong("id"), endpointId, eventId, state, r.getInteger("attempts"),
                    state == DeliveryState.PENDING ? Optional.of(r.getOffsetDateTime("next_attempt_at").toInstant())
                            : Optional.empty(),
                    lastStatus == null ? OptionalInt.empty() : OptionalInt.of(lastStatus),
                    Optional.ofNullable(r.getString("last_error"))));
        }
        return Optional.empty();
    }

    @Override
    public boolean requeue(String endpointId, String eventId, Instant now) {
        return Blocking.await(pool.preparedQuery("""
                UPDATE webhook_deliveries SET state = 'PENDING', next_attempt_at = $3
                WHERE endpoint_id = $1 AND event_id = $2 AND state = 'DEAD'""")
                .execute(Tuple.of(endpointId, eventId, PgMessageStore.utc(now))), timeout, "requeue webhook")
                .rowCount() == 1;
    }

    @Override
    public void save(WebhookEndpoint endpoint) {
        List<Tuple> secrets = endpoint.secrets().stream().map(s -> Tuple.of(endpoint.id(), s.value(),
                PgMessageStore.utc(s.validFrom()), s.openEnded() ? null : PgMessageStore.utc(s.validUntil()))).toList();
        Blocking.await(pool.withTransaction(conn -> conn.preparedQuery("""
                INSERT INTO webhook_endpoints (id, tenant_id, url, enabled) VALUES ($1, $2, $3, $4)
                ON CONFLICT (id) DO UPDATE SET url = EXCLUDED.url, enabled = EXCLUDED.enabled
                WHERE webhook_endpoints.tenant_id = EXCLUDED.tenant_id""")
                .execute(Tuple.of(endpoint.id(), endpoint.tenant(), endpoint.url().toString(), endpoint.enabled()))
                .chain(rows -> rows.rowCount() == 1 ? Uni.createFrom().item(rows)
                        : Uni.createFrom().failure(new IllegalArgumentException(
                                "endpoint " + endpoint.id() + " belongs to another tenant")))
                .chain(() -> conn.preparedQuery("DELETE FROM webhook_secrets WHERE endpoint_id = $1")
                        .execute(Tuple.of(endpoint.id())))
                .chain(() -> conn.preparedQuery("""
                        INSERT INTO webhook_secrets (endpoint_id, secret, valid_from, valid_until) VALUES ($1, $2, $3, $4)""")
                        .executeBatch(secrets))), timeout, "save webhook endpoint " + endpoint.id());
    }

    @Override
    public Optional<WebhookEndpoint> endpoint(String id) {
        List<WebhookEndpoint> found = load("e.id = $1", id);
        return found.stream().findFirst();
    }

    @Override
    public List<WebhookEndpoint> endpoints(String tenant) {
        return load("e.tenant_id = $1", tenant);
    }

    private List<WebhookEndpoint> load(String where, String value) {
        RowSet<Row> rows = Blocking.await(pool.preparedQuery("""
                SELECT e.id, e.tenant_id, e.url, e.enabled,
                       (SELECT coalesce(json_agg(json_build_object('secret', s.secret, 'from', s.valid_from,
                                                                   'until', s.valid_until) ORDER BY s.valid_from), '[]')
                        FROM webhook_secrets s WHERE s.endpoint_id = e.id) AS secrets
                FROM webhook_endpoints e""" + " WHERE " + where + " ORDER BY e.id").execute(Tuple.of(value)),
                timeout, "load webhook endpoints");
        List<WebhookEndpoint> out = new ArrayList<>();
        for (Row r : rows) {
            out.add(new WebhookEndpoint(r.getString("id"), r.getString("tenant_id"), URI.create(r.getString("url")),
                    secrets(jsonArray(r.getValue("secrets"))), r.getBoolean("enabled")));
        }
        return out;
    }
}
