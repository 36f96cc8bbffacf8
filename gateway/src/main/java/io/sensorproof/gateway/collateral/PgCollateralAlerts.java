package io.sensorproof.gateway.collateral;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sensorproof.gateway.api.ApiException;
import io.sensorproof.gateway.audit.AuditAction;
import io.sensorproof.gateway.audit.AuditEvent;
import io.sensorproof.gateway.audit.AuditLog;
import io.sensorproof.gateway.core.collateral.AlertChange;
import io.sensorproof.gateway.core.collateral.AlertState;
import io.sensorproof.gateway.core.collateral.AppliedChange;
import io.sensorproof.gateway.core.collateral.CollateralAlerts;
import io.sensorproof.gateway.core.collateral.MessageEvidence;
import io.sensorproof.gateway.core.collateral.ReadingKey;
import io.sensorproof.gateway.core.lots.LotRefusal;
import io.sensorproof.gateway.persistence.PersistenceSettings;
import io.sensorproof.gateway.security.ApiKeyPrincipal;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The {@link CollateralAlerts} store on PostgreSQL, and the reads and acknowledgement of the REST API.
 *
 * <p>Every change of an alert and its {@code alert_events} row commit in one transaction. Writers of
 * {@code alert_events} first take the transaction-scoped advisory lock {@link #EVENT_LOCK}, so events
 * commit in id order: a reader that has seen event N can never later find a smaller id appearing,
 * which is what lets the SSE stream (and any outbox reader) resume with "id &gt; last seen" and never
 * miss an event. Alert changes are rare (an excursion opens one alert), so serialising their commits
 * costs nothing measurable; readings are not written under this lock.
 *
 * <p>{@link #apply} blocks (the rules engine calls it on worker threads, like the ingest ports) and is
 * idempotent per (lot, device, quantity, rule): an OPENED for a tuple with an unresolved alert updates
 * it, an UPDATED or RESOLVED without one does nothing, and a change that alters nothing writes no event.
 * An UPDATED whose first out-of-range time is that of a resolved alert of the tuple (and not the
 * unresolved one's) updates the resolved alert, which stays resolved: a late reading extended it.
 */
@ApplicationScoped
public class PgCollateralAlerts implements CollateralAlerts {
    /** Advisory lock key (pg_advisory_xact_lock) that serialises the writers of {@code alert_events}. */
    public static final long EVENT_LOCK = 0x5350_0014L;
    /** 404 for an alert that does not exist or that the caller may not see. */
    public static final String NOT_FOUND = "COLLATERAL_ALERT_NOT_FOUND";
    /** 409 for acknowledging a resolved alert. */
    public static final String RESOLVED = "COLLATERAL_ALERT_RESOLVED";

    static final String SELECT = "SELECT a.id, a.lot_id, l.factory_tenant_id, l.bank_tenant_id, a.device_id, a.quantity,"
            + " a.rule, a.state, a.first_out_of_range, a.last_out_of_range, a.run_first, a.run_last, a.evidence::text AS evidence,"
            + " a.messages::text AS messages, a.opened_at, a.opened_by, a.updated_at, a.acknowledged_at, a.acknowledged_by, a.resolved_at, a.resolved_by,"
            + " (SELECT cf.view::text FROM chain_collateral_facilities cf WHERE cf.facility_id = l.chain_facility_id) AS chain"
            + " FROM collateral_alerts a JOIN lots l ON l.id = a.lot_id";
    static final String VISIBLE = "($V::text IS NULL OR l.factory_tenant_id = $V OR l.bank_tenant_id = $V)";
    private static final TypeReference<List<ReadingKey>> EVIDENCE = new TypeReference<>() { };
    private static final TypeReference<List<MessageEvidence>> MESSAGES = new TypeReference<>() { };

    private final Pool pool;
    private final ObjectMapper json;
    private final AuditLog audit;
    private final Duration timeout;

    @Inject
    PgCollateralAlerts(Pool pool, ObjectMapper json, AuditLog audit, PersistenceSettings settings) {
        this.pool = pool;
        this.json = json;
        this.audit = audit;
        this.timeout = settings.storeTimeout();
    }

    @Override
    public AppliedChange apply(AlertChange change) {
        Objects.requireNonNull(change, "change");
        return applyAsync(change).await().atMost(timeout);
    }

    /** {@link #apply} without blocking. */
    public Uni<AppliedChange> applyAsync(AlertChange change) {
        return pool.withTransaction(c -> applyIn(c, change));
    }

    /**
     * {@link #apply} inside the caller's transaction on {@code c}, so that the change commits or rolls
     * back together with the caller's other writes (the rules engine's snapshot). Takes
     * {@link #EVENT_LOCK}; a caller that also holds a per-device lock must take that one first.
     */
    public Uni<AppliedChange> applyIn(SqlConnection c, AlertChange change) {
        Objects.requireNonNull(change, "change");
        String quantity = change.quantity().map(q -> q.senmlName()).orElse("");
        return lockEvents(c)
                .chain(() -> c.preparedQuery("SELECT 1 FROM lot_devices WHERE lot_id = $1 AND device_id = $2")
                        .execute(Tuple.of(change.lotId(), change.deviceId())))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        throw new LotRefusal(UNKNOWN_LOT_DEVICE, "device '" + change.deviceId() + "' is not in lot "
                                + change.lotId(), Map.of("lot", change.lotId(), "device", change.deviceId()));
                    }
                    return c.preparedQuery(SELECT + " WHERE a.lot_id = $1 AND a.device_id = $2 AND a.quantity = $3 AND a.rule = $4"
                            + " AND a.state <> 'RESOLVED' FOR UPDATE OF a")
                            .execute(Tuple.of(change.lotId(), change.deviceId(), quantity, change.rule()));
                })
                .chain(rows -> {
                    AlertView unresolved = rows.size() == 0 ? null : view(rows.iterator().next());
                    if (change.kind() == AlertChange.Kind.UPDATED && change.firstOutOfRange().isPresent()
                            && (unresolved == null || !change.firstOutOfRange().get().equals(unresolved.firstOutOfRangeAt()))) {
                        // a late reading grew an alert that is no longer the unresolved one: update that alert
                        return updateEarlier(c, change, quantity, unresolved);
                    }
                    if (unresolved == null) {
                        if (change.kind() != AlertChange.Kind.OPENED) {
                            return Uni.createFrom().item(AppliedChange.NONE);
                        }
                        return insert(c, change, quantity);
                    }
                    return update(c, unresolved, change);
                });
    }

    /**
     * An UPDATED whose first out-of-range time is not the unresolved alert's: the engine extended an alert
     * it had already resolved (a late reading in its time order, ADR 021 update 2026-12-03). The alert is
     * the latest of the tuple with that first time; it gets the new last time, run and evidence and an
     * UPDATED event, and stays RESOLVED. Without such an alert, the unresolved one (if any) is updated as
     * before.
     */
    private Uni<AppliedChange> updateEarlier(SqlConnection c, AlertChange change, String quantity, AlertView unresolved) {
        return c.preparedQuery(SELECT + " WHERE a.lot_id = $1 AND a.device_id = $2 AND a.quantity = $3 AND a.rule = $4"
                        + " AND a.state = 'RESOLVED' AND a.first_out_of_range = $5 ORDER BY a.id DESC LIMIT 1 FOR UPDATE OF a")
                .execute(Tuple.of(change.lotId(), change.deviceId(), quantity, change.rule(), utc(change.firstOutOfRange())))
                .chain(rows -> {
                    if (rows.size() > 0) {
                        return update(c, view(rows.iterator().next()), change);
                    }
                    return unresolved == null ? Uni.createFrom().item(AppliedChange.NONE) : update(c, unresolved, change);
                });
    }

    private Uni<AppliedChange> insert(SqlConnection c, AlertChange change, String quantity) {
        List<ReadingKey> evidence = merge(List.of(), change.evidence());
        List<MessageEvidence> messages = merge(List.of(), change.messages());
        Tuple params = Tuple.tuple().addLong(change.lotId()).addString(change.deviceId()).addString(quantity)
                .addString(change.rule()).addValue(utc(change.firstOutOfRange())).addValue(utc(change.lastOutOfRange()))
                .addValue(utc(change.runFirst())).addValue(utc(change.runLast())).addString(write(evidence))
                .addValue(utc(change.at())).addString(change.actor()).addString(write(messages));
        return c.preparedQuery("INSERT INTO collateral_alerts (lot_id, device_id, quantity, rule, state, first_out_of_range,"
                        + " last_out_of_range, run_first, run_last, evidence, opened_at, opened_by, updated_at, messages)"
                        + " VALUES ($1, $2, $3, $4, 'OPEN', $5, $6, $7, $8, $9::text::jsonb, $10, $11, $10, $12::text::jsonb)"
                        + " RETURNING id")
                .execute(params)
                .chain(rows -> event(c, rows.iterator().next().getLong(0), "OPENED"));
    }

    private Uni<AppliedChange> update(SqlConnection c, AlertView current, AlertChange change) {
        List<ReadingKey> evidence = merge(current.evidence(), change.evidence());
        List<MessageEvidence> messages = merge(current.messages(), change.messages());
        Instant first = change.firstOutOfRange().orElse(current.firstOutOfRangeAt());
        Instant last = change.lastOutOfRange().orElse(current.lastOutOfRangeAt());
        Instant runFirst = change.runFirst().orElse(current.runFirstAt());
        Instant runLast = change.runLast().orElse(current.runLastAt());
        boolean resolve = change.kind() == AlertChange.Kind.RESOLVED;
        if (!resolve && evidence.equals(current.evidence()) && messages.equals(current.messages()) && Objects.equals(first, current.firstOutOfRangeAt())
                && Objects.equals(last, current.lastOutOfRangeAt()) && Objects.equals(runFirst, current.runFirstAt())
                && Objects.equals(runLast, current.runLastAt())) {
            // a repeated change (e.g. after a crash of the engine): nothing to tell anyone
            return Uni.createFrom().item(new AppliedChange(current.id(), AlertState.valueOf(current.state()), 0));
        }
        Tuple params = Tuple.tuple().addLong(current.id()).addValue(utc(first)).addValue(utc(last)).addValue(utc(runFirst))
                .addValue(utc(runLast)).addString(write(evidence)).addValue(utc(change.at())).addBoolean(resolve)
                .addString(change.actor()).addString(write(messages));
        return c.preparedQuery("UPDATE collateral_alerts SET first_out_of_range = $2, last_out_of_range = $3, run_first = $4,"
                        + " run_last = $5, evidence = $6::text::jsonb, messages = $10::text::jsonb, updated_at = $7,"
                        + " state = CASE WHEN $8 THEN 'RESOLVED' ELSE state END,"
                        + " resolved_at = CASE WHEN $8 THEN $7 ELSE resolved_at END,"
                        + " resolved_by = CASE WHEN $8 THEN $9 ELSE resolved_by END WHERE id = $1")
                .execute(params)
                .chain(() -> event(c, current.id(), resolve ? "RESOLVED" : "UPDATED"));
    }

    /** Writes the event for alert {@code id} (snapshot after the change); the caller holds {@link #EVENT_LOCK}. */
    private Uni<AppliedChange> event(SqlConnection c, long id, String type) {
        return load(c, id, Optional.empty()).chain(alert -> c.preparedQuery("INSERT INTO alert_events (alert_id, lot_id,"
                                + " factory_tenant_id, bank_tenant_id, type, alert) VALUES ($1, $2, $3, $4, $5, $6::text::jsonb) RETURNING id")
                        .execute(Tuple.of(alert.id(), alert.lotId(), alert.factoryTenant(), alert.bankTenant(), type, write(alert)))
                        .map(rows -> new AppliedChange(alert.id(), AlertState.valueOf(alert.state()),
                                rows.iterator().next().getLong(0))));
    }

    /**
     * Acknowledges alert {@code id} for a party of its lot ({@code tenant}): OPEN becomes ACKNOWLEDGED with
     * an event and an audit entry; an acknowledged alert is answered unchanged; 409 {@value #RESOLVED}
     * for a resolved one; 404 {@value #NOT_FOUND} when the caller is no party.
     */
    public Uni<AlertView> acknowledge(ApiKeyPrincipal caller, long id, String tenant) {
        return pool.withTransaction(c -> lockEvents(c)
                .chain(() -> c.preparedQuery(SELECT + " WHERE a.id = $1 AND " + VISIBLE.replace("$V", "$2") + " FOR UPDATE OF a")
                        .execute(Tuple.of(id, tenant)))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        throw notFound(id);
                    }
                    AlertView alert = view(rows.iterator().next());
                    switch (AlertState.valueOf(alert.state())) {
                        case ACKNOWLEDGED:
                            return Uni.createFrom().item(alert);
                        case RESOLVED:
                            throw ApiException.conflict(RESOLVED, "alert " + id + " is resolved", Map.of("alert", id));
                        default:
                            break;
                    }
                    return c.preparedQuery("UPDATE collateral_alerts SET state = 'ACKNOWLEDGED', acknowledged_at = now(),"
                                    + " acknowledged_by = $2 WHERE id = $1").execute(Tuple.of(id, caller.keyId()))
                            .chain(() -> event(c, id, "ACKNOWLEDGED"))
                            .chain(() -> audit.append(c, AuditEvent.by(caller, AuditAction.COLLATERAL_ALERT_ACKNOWLEDGED,
                                    alert.factoryTenant(), String.valueOf(id), Map.of("lot", alert.lotId(), "device",
                                            alert.deviceId(), "rule", alert.rule()))))
                            .chain(() -> load(c, id, Optional.empty()));
                }));
    }

    /** Alert {@code id} if {@code visibleTo} (empty = everything) may see it. */
    public Uni<AlertView> get(long id, Optional<String> visibleTo) {
        return pool.withConnection(c -> load(c, id, visibleTo));
    }

    /** Alerts visible to {@code visibleTo}, newest first, with ids below {@code beforeId}. */
    public Uni<List<AlertView>> list(Optional<String> visibleTo, Optional<Long> lot, Optional<String> state, long beforeId,
            int limit) {
        String sql = SELECT + " WHERE " + VISIBLE.replace("$V", "$1") + " AND ($2::bigint IS NULL OR a.lot_id = $2)"
                + " AND ($3::text IS NULL OR a.state = $3) AND a.id < $4 ORDER BY a.id DESC LIMIT $5";
        return pool.preparedQuery(sql).execute(Tuple.of(visibleTo.orElse(null), lot.orElse(null), state.orElse(null), beforeId,
                limit)).map(rows -> {
                    List<AlertView> list = new ArrayList<>();
                    rows.forEach(row -> list.add(view(row)));
                    return list;
                });
    }

    /**
     * Up to {@code limit} events after {@code afterId}, in id order, that {@code visibleTo} (empty =
     * everything) may see: the lot's factory and bank.
     */
    public Uni<List<AlertEventView>> eventsAfter(long afterId, Optional<String> visibleTo, int limit) {
        return pool.preparedQuery("SELECT id, type, occurred_at, alert::text AS alert FROM alert_events WHERE id > $1"
                        + " AND ($2::text IS NULL OR factory_tenant_id = $2 OR bank_tenant_id = $2) ORDER BY id LIMIT $3")
                .execute(Tuple.of(afterId, visibleTo.orElse(null), limit))
                .map(rows -> {
                    List<AlertEventView> events = new ArrayList<>();
                    for (Row row : rows) {
                        try {
                            events.add(new AlertEventView(row.getLong("id"), row.getString("type"),
                                    row.getOffsetDateTime("occurred_at").toInstant(), json.readTree(row.getString("alert"))));
                        } catch (JsonProcessingException e) {
                            throw new UncheckedIOException("alert_events.alert is not JSON", e);
                        }
                    }
                    return events;
                });
    }

    /** The highest event id (0 when none): cheap, from the primary key's index. */
    public Uni<Long> lastEventId() {
        return pool.query("SELECT coalesce(max(id), 0) FROM alert_events").execute()
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /** 404 {@value #NOT_FOUND}. */
    public static ApiException notFound(long id) {
        return ApiException.notFound(NOT_FOUND, "no collateral alert " + id, Map.of("alert", id));
    }

    private static Uni<Void> lockEvents(SqlConnection c) {
        return c.preparedQuery("SELECT pg_advisory_xact_lock($1)").execute(Tuple.of(EVENT_LOCK)).replaceWithVoid();
    }

    private Uni<AlertView> load(SqlConnection c, long id, Optional<String> visibleTo) {
        return c.preparedQuery(SELECT + " WHERE a.id = $1 AND " + VISIBLE.replace("$V", "$2"))
                .execute(Tuple.of(id, visibleTo.orElse(null)))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw notFound(id);
                    }
                    return view(rows.iterator().next());
                });
    }

    private AlertView view(Row row) {
        List<ReadingKey> evidence;
        List<MessageEvidence> messages;
        com.fasterxml.jackson.databind.JsonNode chain;
        try {
            evidence = json.readValue(row.getString("evidence"), EVIDENCE);
            messages = json.readValue(row.getString("messages"), MESSAGES);
            chain = row.getString("chain") == null ? null : json.readTree(row.getString("chain"));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("collateral_alerts.evidence does not map", e);
        }
        String quantity = row.getString("quantity");
        return new AlertView(row.getLong("id"), row.getLong("lot_id"), row.getString("factory_tenant_id"),
                row.getString("bank_tenant_id"), row.getString("device_id"), quantity.isEmpty() ? null : quantity,
                row.getString("rule"), row.getString("state"), instant(row.getOffsetDateTime("first_out_of_range")),
                instant(row.getOffsetDateTime("last_out_of_range")), instant(row.getOffsetDateTime("run_first")),
                instant(row.getOffsetDateTime("run_last")), evidence, instant(row.getOffsetDateTime("opened_at")),
                row.getString("opened_by"), instant(row.getOffsetDateTime("updated_at")),
                instant(row.getOffsetDateTime("acknowledged_at")), row.getLong("acknowledged_by"),
                instant(row.getOffsetDateTime("resolved_at")), row.getString("resolved_by"), messages, chain);
    }

    private static <T> List<T> merge(List<T> current, List<T> added) {
        Set<T> all = new LinkedHashSet<>(current);
        for (T key : added) {
            if (all.size() >= AlertChange.MAX_EVIDENCE) {
                break;
            }
            all.add(key);
        }
        return List.copyOf(all);
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    private static OffsetDateTime utc(Optional<Instant> time) {
        return time.map(PgCollateralAlerts::utc).orElse(null);
    }

    private static OffsetDateTime utc(Instant time) {
        return time == null ? null : time.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
