package io.sensorproof.gateway.webhooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sensorproof.gateway.collateral.AlertEventView;
import io.sensorproof.gateway.core.webhooks.WebhookMessage;
import io.sensorproof.gateway.persistence.PgWebhookOutbox;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Turns committed {@code alert_events} into webhook deliveries: one {@link WebhookMessage} per
 * (enabled endpoint of the lot's bank or factory, event), with the stable id
 * {@value #EVENT_ID_PREFIX}{@code <event id>} and the event's JSON exactly as the SSE stream sends it
 * ({@link AlertEventView}).
 *
 * <p>Exactly once per (endpoint, event): one transaction locks the cursor row of V12
 * ({@code webhook_relay_cursors}, {@code FOR UPDATE}, so a second replica waits and then sees the
 * advanced cursor), reads the events after it, enqueues their deliveries ({@code ON CONFLICT DO
 * NOTHING} on (endpoint, event)) and advances the cursor. A crash before the commit relays the same
 * events again; a crash after it has them in the outbox. Reading "id &gt; cursor" misses nothing
 * because writers of {@code alert_events} commit in id order (the advisory lock of
 * {@code PgCollateralAlerts}).
 */
public final class AlertWebhookRelay {
    /** Prefix of the webhook id of an alert event. */
    public static final String EVENT_ID_PREFIX = "alert-event-";
    /** The cursor row of this relay. */
    static final String SOURCE = "alert_events";

    private final Pool pool;
    private final PgWebhookOutbox outbox;
    private final ObjectMapper json;
    private final Duration timeout;
    private final int batch;

    /**
     * @param pool the gateway's pool
     * @param outbox the outbox to enqueue into (in the relay's transaction)
     * @param json the mapper the SSE stream renders events with
     * @param timeout longest wait for one relay transaction
     * @param batch most events relayed per transaction
     */
    public AlertWebhookRelay(Pool pool, PgWebhookOutbox outbox, ObjectMapper json, Duration timeout, int batch) {
        this.pool = Objects.requireNonNull(pool, "pool");
        this.outbox = Objects.requireNonNull(outbox, "outbox");
        this.json = Objects.requireNonNull(json, "json");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be positive: " + batch);
        }
        this.batch = batch;
    }

    /**
     * What one relay transaction did.
     *
     * @param events alert events relayed (the cursor advanced past them)
     * @param deliveries deliveries added to the outbox
     */
    public record Relayed(int events, int deliveries) {
    }

    /** One transaction: relays up to {@code batch} events after the cursor and advances it. */
    public Relayed relayOnce() {
        return pool.withTransaction(this::relay).await().atMost(timeout);
    }

    /** The most events one {@link #relayOnce} relays. */
    public int batch() {
        return batch;
    }

    private record Event(AlertEventView view, String bank, String factory) {
    }

    private Uni<Relayed> relay(SqlConnection c) {
        return c.preparedQuery("SELECT last_event_id FROM webhook_relay_cursors WHERE source = $1 FOR UPDATE")
                .execute(Tuple.of(SOURCE))
                .chain(rows -> {
                    long cursor = rows.iterator().next().getLong(0);
                    return c.preparedQuery("SELECT id, type, occurred_at, alert::text AS alert, bank_tenant_id,"
                                    + " factory_tenant_id FROM alert_events WHERE id > $1 ORDER BY id LIMIT $2")
                            .execute(Tuple.of(cursor, batch));
                })
                .chain(rows -> {
                    List<Event> events = new ArrayList<>();
                    for (Row row : rows) {
                        events.add(new Event(view(row), row.getString("bank_tenant_id"), row.getString("factory_tenant_id")));
                    }
                    if (events.isEmpty()) {
                        return Uni.createFrom().item(new Relayed(0, 0));
                    }
                    Uni<Integer> added = Uni.createFrom().item(0);
                    for (Event e : events) {
                        added = added.chain(sum -> enqueue(c, e).map(n -> sum + n));
                    }
                    long last = events.get(events.size() - 1).view().eventId();
                    return added.chain(sum -> c.preparedQuery("UPDATE webhook_relay_cursors SET last_event_id = $2 WHERE source = $1")
                            .execute(Tuple.of(SOURCE, last)).map(done -> new Relayed(events.size(), sum)));
                });
    }

    private Uni<Integer> enqueue(SqlConnection c, Event e) {
        byte[] body = body(e.view());
        String eventId = EVENT_ID_PREFIX + e.view().eventId();
        Instant at = e.view().occurredAt();
        return c.preparedQuery("SELECT id FROM webhook_endpoints WHERE enabled AND tenant_id IN ($1, $2) ORDER BY id")
                .execute(Tuple.of(e.bank(), e.factory()))
                .chain(endpoints -> {
                    Uni<Integer> added = Uni.createFrom().item(0);
                    for (Row endpoint : endpoints) {
                        WebhookMessage message = new WebhookMessage(endpoint.getString(0), eventId, body, at);
                        added = added.chain(sum -> outbox.enqueue(c, message).map(ok -> ok ? sum + 1 : sum));
                    }
                    return added;
                });
    }

    private AlertEventView view(Row row) {
        try {
            return new AlertEventView(row.getLong("id"), row.getString("type"), row.getOffsetDateTime("occurred_at").toInstant(),
                    json.readTree(row.getString("alert")));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("alert_events.alert is not JSON", e);
        }
    }

    private byte[] body(AlertEventView view) {
        try {
            return json.writeValueAsBytes(view);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("alert event " + view.eventId() + " cannot be rendered", e);
        }
    }
}
