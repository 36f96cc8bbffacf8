package io.sensorproof.gateway.lots;

import io.sensorproof.gateway.api.ApiException;
import io.sensorproof.gateway.audit.AuditAction;
import io.sensorproof.gateway.audit.AuditEvent;
import io.sensorproof.gateway.audit.AuditLog;
import io.sensorproof.gateway.core.lots.EmissionsTerms;
import io.sensorproof.gateway.lots.LotViews.FacilityView;
import io.sensorproof.gateway.security.Access;
import io.sensorproof.gateway.security.ApiKeyPrincipal;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Emissions facilities on PostgreSQL: a factory's register devices, the exchange tenant, and the
 * verifier's terms (a new {@code terms_version} on every change), each write audited in its
 * transaction. Visible to operator and regulator keys and to the facility's factory and exchange.
 */
@ApplicationScoped
public class PgEmissionFacilities {
    static final String SELECT = "SELECT f.id, f.factory_tenant_id, f.exchange_tenant_id, f.name,"
            + " f.chain_facility_id::text AS chain_facility_id, f.baseline_kg, f.calendar, f.max_gap_ms,"
            + " f.substitute_rate_kg_per_hour, f.terms_version, f.terms_set_at, f.created_at,"
            + " (SELECT array_agg(d.device_id ORDER BY d.device_id) FROM emission_facility_devices d"
            + " WHERE d.facility_id = f.id) AS devices,"
            + " (SELECT json_agg(cp.view ORDER BY cp.period_id)::text FROM chain_carbon_periods cp"
            + " WHERE cp.facility_id = f.chain_facility_id) AS chain_periods FROM emission_facilities f";
    static final String VISIBLE = "($V::text IS NULL OR f.factory_tenant_id = $V OR f.exchange_tenant_id = $V)";
    private static final com.fasterxml.jackson.databind.ObjectMapper PERIODS_READER = new com.fasterxml.jackson.databind.ObjectMapper();

    private final Pool pool;
    private final AuditLog audit;

    PgEmissionFacilities(Pool pool, AuditLog audit) {
        this.pool = pool;
        this.audit = audit;
    }

    /** Creates a facility with its first terms. */
    public Uni<FacilityView> create(ApiKeyPrincipal caller, String tenant, String exchange, String name, List<String> devices,
            EmissionsTerms terms) {
        String[] deviceArray = devices.toArray(String[]::new);
        return pool.withTransaction(c -> requireKinds(c, tenant, exchange)
                .chain(() -> c.preparedQuery("SELECT device_id FROM devices WHERE tenant_id = $1 AND device_id = ANY($2)")
                        .execute(Tuple.of(tenant, deviceArray)))
                .chain(rows -> {
                    Set<String> missing = new LinkedHashSet<>(devices);
                    rows.forEach(row -> missing.remove(row.getString(0)));
                    if (!missing.isEmpty()) {
                        throw Access.deviceNotFoundInTenant(tenant, missing.iterator().next());
                    }
                    return c.preparedQuery("INSERT INTO emission_facilities (factory_tenant_id, exchange_tenant_id, name,"
                            + " baseline_kg, calendar, max_gap_ms, substitute_rate_kg_per_hour, terms_set_by, created_by)"
                            + " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id")
                            .execute(Tuple.tuple().addString(tenant).addString(exchange).addString(name).addLong(terms.baselineKg())
                                    .addString(terms.calendar().name()).addLong(terms.maxGapMs())
                                    .addLong(terms.substituteRateKgPerHour()).addLong(caller.keyId()));
                })
                .map(rows -> rows.iterator().next().getLong(0))
                .call(id -> c.preparedQuery("INSERT INTO emission_facility_devices (facility_id, device_id)"
                        + " SELECT $1, d FROM unnest($2::text[]) AS d").execute(Tuple.of(id, deviceArray)))
                .call(id -> audit.append(c, AuditEvent.by(caller, AuditAction.EMISSION_FACILITY_CREATED, tenant, String.valueOf(id),
                        detail(terms, Map.of("exchange", exchange, "devices", devices)))))
                .chain(id -> load(c, id, Optional.empty())));
    }

    /** Replaces the terms of facility {@code id}. */
    public Uni<FacilityView> setTerms(ApiKeyPrincipal caller, long id, EmissionsTerms terms) {
        return pool.withTransaction(c -> c.preparedQuery("UPDATE emission_facilities SET baseline_kg = $2, calendar = $3,"
                        + " max_gap_ms = $4, substitute_rate_kg_per_hour = $5, terms_version = terms_version + 1,"
                        + " terms_set_at = now(), terms_set_by = $6 WHERE id = $1 RETURNING factory_tenant_id, terms_version")
                .execute(Tuple.tuple().addLong(id).addLong(terms.baselineKg()).addString(terms.calendar().name())
                        .addLong(terms.maxGapMs()).addLong(terms.substituteRateKgPerHour()).addLong(caller.keyId()))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        throw LotViews.facilityNotFound(id);
                    }
                    Row row = rows.iterator().next();
                    return audit.append(c, AuditEvent.by(caller, AuditAction.EMISSION_FACILITY_TERMS_SET,
                            row.getString("factory_tenant_id"), String.valueOf(id),
                            detail(terms, Map.of("termsVersion", row.getInteger("terms_version")))));
                })
                .chain(() -> load(c, id, Optional.empty())));
    }

    /** The facility if {@code visibleTo} (empty = everything) may see it. */
    public Uni<FacilityView> get(long id, Optional<String> visibleTo) {
        return pool.withConnection(c -> load(c, id, visibleTo));
    }

    /** Facilities visible to {@code visibleTo}, ascending id after {@code afterId}. */
    public Uni<List<FacilityView>> list(Optional<String> visibleTo, long afterId, int limit) {
        return pool.preparedQuery(SELECT + " WHERE " + VISIBLE.replace("$V", "$1") + " AND f.id > $2 ORDER BY f.id LIMIT $3")
                .execute(Tuple.of(visibleTo.orElse(null), afterId, limit))
                .map(rows -> {
                    List<FacilityView> list = new ArrayList<>();
                    rows.forEach(row -> list.add(view(row)));
                    return list;
                });
    }

    private static Uni<FacilityView> load(SqlConnection c, long id, Optional<String> visibleTo) {
        return c.preparedQuery(SELECT + " WHERE f.id = $1 AND " + VISIBLE.replace("$V", "$2"))
                .execute(Tuple.of(id, visibleTo.orElse(null)))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw LotViews.facilityNotFound(id);
                    }
                    return view(rows.iterator().next());
                });
    }

    private static FacilityView view(Row row) {
        String[] devices = row.getArrayOfStrings("devices");
        return new FacilityView(row.getLong("id"), row.getString("factory_tenant_id"), row.getString("exchange_tenant_id"),
                row.getString("name"), devices == null ? List.of() : List.of(devices), row.getString("chain_facility_id"),
                row.getLong("baseline_kg"), row.getString("calendar"), row.getLong("max_gap_ms"),
                row.getLong("substitute_rate_kg_per_hour"), row.getInteger("terms_version"),
                PgLots.instant(row.getOffsetDateTime("terms_set_at")), PgLots.instant(row.getOffsetDateTime("created_at")),
                chainPeriods(row.getString("chain_periods")));
    }

    /** The periods of the linked CarbonCredit facility as the chain says (chain.PgChainEvents), or null. */
    private static com.fasterxml.jackson.databind.JsonNode chainPeriods(String json) {
        if (json == null) {
            return null;
        }
        try {
            return PERIODS_READER.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new java.io.UncheckedIOException("chain_carbon_periods.view is not JSON", e);
        }
    }

    private static Map<String, Object> detail(EmissionsTerms terms, Map<String, Object> more) {
        Map<String, Object> detail = new HashMap<>(more);
        detail.put("baselineKg", terms.baselineKg());
        detail.put("calendar", terms.calendar().name());
        detail.put("maxGapMs", terms.maxGapMs());
        detail.put("substituteRateKgPerHour", terms.substituteRateKgPerHour());
        return detail;
    }

    private static Uni<Void> requireKinds(SqlConnection c, String factory, String exchange) {
        return c.preparedQuery("SELECT id, kind FROM tenants WHERE id = ANY($1)")
                .execute(Tuple.of((Object) new String[] {factory, exchange}))
                .map(rows -> {
                    Map<String, String> kinds = new HashMap<>();
                    rows.forEach(row -> kinds.put(row.getString("id"), row.getString("kind")));
                    if (!kinds.containsKey(factory)) {
                        throw ApiException.notFound("TENANT_NOT_FOUND", "no tenant '" + factory + "'", Map.of("tenant", factory));
                    }
                    if (!"factory".equals(kinds.get(factory))) {
                        throw ApiException.conflict("TENANT_NOT_A_FACTORY", "only factory tenants own emissions facilities; '"
                                + factory + "' is a " + kinds.get(factory), Map.of("tenant", factory, "kind", kinds.get(factory)));
                    }
                    if (!kinds.containsKey(exchange)) {
                        throw ApiException.notFound("TENANT_NOT_FOUND", "no exchange tenant '" + exchange + "'",
                                Map.of("tenant", exchange, "field", "exchange"));
                    }
                    if (!"exchange".equals(kinds.get(exchange))) {
                        throw ApiException.conflict("FACILITY_EXCHANGE_NOT_AN_EXCHANGE", "credits are listed by an exchange"
                                + " tenant; '" + exchange + "' is a " + kinds.get(exchange),
                                Map.of("tenant", exchange, "kind", kinds.get(exchange)));
                    }
                    return null;
                });
    }
}
