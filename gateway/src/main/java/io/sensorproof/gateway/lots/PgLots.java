package io.sensorproof.gateway.lots;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sensorproof.gateway.api.ApiException;
import io.sensorproof.gateway.audit.AuditAction;
import io.sensorproof.gateway.audit.AuditEvent;
import io.sensorproof.gateway.audit.AuditLog;
import io.sensorproof.gateway.core.lots.LotTerms;
import io.sensorproof.gateway.core.lots.PledgedLot;
import io.sensorproof.gateway.core.lots.Watch;
import io.sensorproof.gateway.lots.LotViews.LotView;
import io.sensorproof.gateway.lots.LotViews.WatchView;
import io.sensorproof.gateway.security.Access;
import io.sensorproof.gateway.security.ApiKeyPrincipal;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Lots on PostgreSQL with the reactive client. Creation, terms and closing each run in one
 * transaction with their audit entries and grant changes: creating a lot gives its bank an active read
 * grant ({@code data_grants}, ADR 011) on each device it did not already have one on, and records the
 * grant in {@code lot_devices.grant_id}; closing revokes exactly those grants (a grant the factory gave
 * by hand before the lot stays). A device in two open lots is refused by the partial unique index
 * {@code lot_devices_one_open_lot}, so two concurrent creations cannot both take it. Visibility is a
 * condition of every query: {@code tenant} null reads all, else the lot's factory or bank.
 */
@ApplicationScoped
public class PgLots {
    /** 409: a device already belongs to another open lot. */
    public static final String DEVICE_IN_OPEN_LOT = "LOT_DEVICE_IN_OPEN_LOT";
    /** 409: the lot is closed. */
    public static final String LOT_CLOSED = "LOT_CLOSED";

    static final String SELECT = "SELECT l.id, l.factory_tenant_id, l.site_id, l.bank_tenant_id, l.name,"
            + " l.chain_facility_id::text AS chain_facility_id, l.terms_version, l.terms_set_at, l.created_at, l.closed_at,"
            + " (SELECT array_agg(d.device_id ORDER BY d.device_id) FROM lot_devices d WHERE d.lot_id = l.id) AS devices,"
            + " (SELECT json_agg(json_build_object('quantity', w.quantity, 'lo', w.lo, 'hi', w.hi, 'minDurationMs',"
            + " w.min_duration_ms, 'maxGapMs', w.max_gap_ms, 'samplingIntervalMs', w.sampling_interval_ms, 'maxAgeMs',"
            + " w.max_age_ms, 'k', w.k) ORDER BY w.quantity)::text FROM lot_watches w WHERE w.lot_id = l.id) AS watches,"
            + " (SELECT cf.view::text FROM chain_collateral_facilities cf WHERE cf.facility_id = l.chain_facility_id) AS chain"
            + " FROM lots l";
    static final String VISIBLE = "($V::text IS NULL OR l.factory_tenant_id = $V OR l.bank_tenant_id = $V)";

    private final Pool pool;
    private final AuditLog audit;
    private final ObjectMapper json;

    PgLots(Pool pool, AuditLog audit, ObjectMapper json) {
        this.pool = pool;
        this.audit = audit;
        this.json = json;
    }

    /** Creates the lot and its bank's grants; 404/409 as documented on the resource. */
    public Uni<LotView> create(ApiKeyPrincipal caller, String tenant, String siteId, String bank, String name,
            List<String> devices) {
        String[] deviceArray = devices.toArray(String[]::new);
        return pool.withTransaction(c -> requireKinds(c, tenant, bank)
                .chain(() -> c.preparedQuery("SELECT 1 FROM sites WHERE tenant_id = $1 AND site_id = $2")
                        .execute(Tuple.of(tenant, siteId)))
                .chain(sites -> {
                    if (sites.size() == 0) {
                        throw ApiException.notFound("SITE_NOT_FOUND", "no site '" + siteId + "' in tenant '" + tenant + "'",
                                Map.of("tenant", tenant, "site", siteId));
                    }
                    return c.preparedQuery("SELECT device_id FROM devices WHERE tenant_id = $1 AND device_id = ANY($2)")
                            .execute(Tuple.of(tenant, deviceArray));
                })
                .chain(rows -> {
                    Set<String> missing = new LinkedHashSet<>(devices);
                    rows.forEach(row -> missing.remove(row.getString(0)));
                    if (!missing.isEmpty()) {
                        // another tenant's device answers like a missing one: its existence is not the caller's business
                        throw Access.deviceNotFoundInTenant(tenant, missing.iterator().next());
                    }
                    return c.preparedQuery("INSERT INTO lots (factory_tenant_id, site_id, bank_tenant_id, name, created_by)"
                            + " VALUES ($1, $2, $3, $4, $5) RETURNING id").execute(Tuple.of(tenant, siteId, bank, name, caller.keyId()));
                })
                .map(rows -> rows.iterator().next().getLong(0))
                .call(lotId -> c.preparedQuery("INSERT INTO lot_devices (lot_id, device_id) SELECT $1, d FROM unnest($2::text[]) AS d"
                                + " ON CONFLICT (device_id) WHERE lot_open DO NOTHING RETURNING device_id")
                        .execute(Tuple.of(lotId, deviceArray))
                        .map(inserted -> {
                            if (inserted.size() != devices.size()) {
                                Set<String> taken = new LinkedHashSet<>(devices);
                                inserted.forEach(row -> taken.remove(row.getString(0)));
                                String device = taken.iterator().next();
                                throw ApiException.conflict(DEVICE_IN_OPEN_LOT, "device '" + device + "' is in another open lot",
                                        Map.of("device", device));
                            }
                            return null;
                        }))
                .call(lotId -> c.preparedQuery("INSERT INTO data_grants (grantor_tenant_id, grantee_tenant_id, device_id, note,"
                                + " granted_by) SELECT $1, $2, d, $3, $4 FROM unnest($5::text[]) AS d"
                                + " ON CONFLICT (grantee_tenant_id, device_id) WHERE revoked_at IS NULL DO NOTHING"
                                + " RETURNING id, device_id")
                        .execute(Tuple.of(tenant, bank, "lot " + lotId, caller.keyId(), deviceArray))
                        .chain(grants -> {
                            List<Uni<?>> steps = new ArrayList<>();
                            for (Row g : grants) {
                                long grantId = g.getLong("id");
                                String device = g.getString("device_id");
                                steps.add(c.preparedQuery("UPDATE lot_devices SET grant_id = $1 WHERE lot_id = $2 AND device_id = $3")
                                        .execute(Tuple.of(grantId, lotId, device))
                                        .chain(() -> audit.append(c, AuditEvent.by(caller, AuditAction.GRANT_GIVEN, tenant,
                                                String.valueOf(grantId), Map.of("grantee", bank, "device", device, "lot", lotId)))));
                            }
                            return Multi.createFrom().iterable(steps).onItem().transformToUniAndConcatenate(u -> u)
                                    .collect().asList();
                        }))
                .call(lotId -> audit.append(c, AuditEvent.by(caller, AuditAction.LOT_CREATED, tenant, String.valueOf(lotId),
                        Map.of("site", siteId, "bank", bank, "devices", devices, "name", name))))
                .chain(lotId -> load(c, lotId, Optional.empty())));
    }

    /** The lot if {@code visibleTo} (empty = everything) may see it. */
    public Uni<LotView> get(long id, Optional<String> visibleTo) {
        return pool.withConnection(c -> load(c, id, visibleTo));
    }

    /** Lots visible to {@code visibleTo}, ascending id after {@code afterId}, at most {@code limit}. */
    public Uni<List<LotView>> list(Optional<String> visibleTo, Optional<String> tenant, Optional<Boolean> open, long afterId,
            int limit) {
        String sql = SELECT + " WHERE " + VISIBLE.replace("$V", "$1") + " AND ($2::text IS NULL OR l.factory_tenant_id = $2"
                + " OR l.bank_tenant_id = $2) AND ($3::boolean IS NULL OR (l.closed_at IS NULL) = $3) AND l.id > $4"
                + " ORDER BY l.id LIMIT $5";
        return pool.preparedQuery(sql).execute(Tuple.of(visibleTo.orElse(null), tenant.orElse(null), open.orElse(null), afterId,
                limit)).map(rows -> {
                    List<LotView> lots = new ArrayList<>();
                    rows.forEach(row -> lots.add(view(row)));
                    return lots;
                });
    }

    /** Replaces the terms of the caller's bank's open lot {@code id}. */
    public Uni<LotView> setTerms(ApiKeyPrincipal caller, long id, LotTerms terms) {
        String bank = caller.tenantId();
        return pool.withTransaction(c -> c.preparedQuery("SELECT closed_at IS NULL AS open, factory_tenant_id,"
                        + " (SELECT count(*) FROM lot_devices d WHERE d.lot_id = l.id) AS devices FROM lots l"
                        + " WHERE id = $1 AND bank_tenant_id = $2 FOR UPDATE")
                .execute(Tuple.of(id, bank))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        throw LotViews.lotNotFound(id);
                    }
                    Row row = rows.iterator().next();
                    if (!row.getBoolean("open")) {
                        throw closed(id);
                    }
                    String factory = row.getString("factory_tenant_id");
                    try {
                        terms.validate(row.getLong("devices").intValue());
                    } catch (io.sensorproof.gateway.core.lots.LotRefusal refusal) {
                        throw LotViews.badRequest(refusal);
                    }
                    return c.preparedQuery("DELETE FROM lot_watches WHERE lot_id = $1").execute(Tuple.of(id))
                            .chain(() -> {
                                List<Tuple> batch = new ArrayList<>();
                                for (Watch w : terms.watches()) {
                                    batch.add(Tuple.tuple().addLong(id).addString(w.quantity().senmlName()).addLong(w.lo())
                                            .addLong(w.hi()).addLong(w.minDurationMs()).addLong(w.maxGapMs())
                                            .addLong(w.samplingIntervalMs()).addLong(w.maxAgeMs()).addInteger(w.k()));
                                }
                                return c.preparedQuery("INSERT INTO lot_watches (lot_id, quantity, lo, hi, min_duration_ms,"
                                        + " max_gap_ms, sampling_interval_ms, max_age_ms, k) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                                        .executeBatch(batch);
                            })
                            .chain(() -> c.preparedQuery("UPDATE lots SET terms_version = terms_version + 1, terms_set_at = now(),"
                                    + " terms_set_by = $2 WHERE id = $1 RETURNING terms_version").execute(Tuple.of(id, caller.keyId())))
                            .call(version -> audit.append(c, AuditEvent.by(caller, AuditAction.LOT_TERMS_SET, factory,
                                    String.valueOf(id), Map.of("termsVersion", version.iterator().next().getInteger(0),
                                            "watches", watchesDetail(terms)))))
                            .chain(() -> load(c, id, Optional.empty()));
                }));
    }

    /**
     * Closes lot {@code id} (idempotent: closing a closed lot answers it unchanged) and revokes the grants
     * it gave; {@code visibleTo} empty for operators, else the caller's bank.
     */
    public Uni<LotView> close(ApiKeyPrincipal caller, long id, Optional<String> bank) {
        return pool.withTransaction(c -> c.preparedQuery("SELECT closed_at IS NULL AS open, factory_tenant_id FROM lots"
                        + " WHERE id = $1 AND ($2::text IS NULL OR bank_tenant_id = $2) FOR UPDATE")
                .execute(Tuple.of(id, bank.orElse(null)))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        throw LotViews.lotNotFound(id);
                    }
                    Row row = rows.iterator().next();
                    if (!row.getBoolean("open")) {
                        return load(c, id, Optional.empty());
                    }
                    String factory = row.getString("factory_tenant_id");
                    return c.preparedQuery("UPDATE lots SET closed_at = now(), closed_by = $2 WHERE id = $1")
                            .execute(Tuple.of(id, caller.keyId()))
                            .chain(() -> c.preparedQuery("UPDATE lot_devices SET lot_open = false WHERE lot_id = $1")
                                    .execute(Tuple.of(id)))
                            .chain(() -> c.preparedQuery("UPDATE data_grants SET revoked_at = now(), revoked_by = $2 WHERE id IN"
                                    + " (SELECT grant_id FROM lot_devices WHERE lot_id = $1) AND revoked_at IS NULL"
                                    + " RETURNING id, grantee_tenant_id, device_id").execute(Tuple.of(id, caller.keyId())))
                            .chain(revoked -> {
                                List<Uni<Long>> steps = new ArrayList<>();
                                for (Row g : revoked) {
                                    steps.add(audit.append(c, AuditEvent.by(caller, AuditAction.GRANT_REVOKED, factory,
                                            String.valueOf(g.getLong("id")), Map.of("grantee", g.getString("grantee_tenant_id"),
                                                    "device", g.getString("device_id"), "lot", id))));
                                }
                                steps.add(audit.append(c, AuditEvent.by(caller, AuditAction.LOT_CLOSED, factory, String.valueOf(id),
                                        Map.of("grantsRevoked", revoked.size()))));
                                return Multi.createFrom().iterable(steps).onItem().transformToUniAndConcatenate(u -> u)
                                        .collect().asList();
                            })
                            .chain(() -> load(c, id, Optional.empty()));
                }));
    }

    /**
     * Every open lot with its devices and terms, for the rules engine (evaluate the devices of lots with
     * terms) and the oracle, in id order.
     */
    public Uni<List<PledgedLot>> openLots() {
        return pool.query(SELECT + " WHERE l.closed_at IS NULL ORDER BY l.id").execute().map(rows -> {
            List<PledgedLot> lots = new ArrayList<>();
            for (Row row : rows) {
                LotView view = view(row);
                Optional<LotTerms> terms = Optional.empty();
                if (!view.terms().isEmpty()) {
                    List<Watch> watches = new ArrayList<>();
                    view.terms().forEach(w -> watches.add(w.toWatch()));
                    terms = Optional.of(new LotTerms(watches));
                }
                lots.add(new PledgedLot(view.id(), view.tenant(), view.bank(), view.deviceIds(), terms, view.termsVersion(),
                        Optional.ofNullable(view.chainFacilityId())));
            }
            return lots;
        });
    }

    /**
     * Links lot {@code id} to its on-chain facility (the oracle calls this once the bank's facility is
     * accepted); false when there is no such lot. Not exposed over REST.
     */
    public Uni<Boolean> linkFacility(long id, java.math.BigInteger chainFacilityId) {
        if (chainFacilityId.signum() <= 0 || chainFacilityId.bitLength() > 256) {
            throw new IllegalArgumentException("a facility id is a uint256 above 0, was " + chainFacilityId);
        }
        return pool.preparedQuery("UPDATE lots SET chain_facility_id = $2::text::numeric WHERE id = $1")
                .execute(Tuple.of(id, chainFacilityId.toString()))
                .map(rows -> rows.rowCount() > 0);
    }

    private Uni<LotView> load(SqlConnection c, long id, Optional<String> visibleTo) {
        return c.preparedQuery(SELECT + " WHERE l.id = $1 AND " + VISIBLE.replace("$V", "$2"))
                .execute(Tuple.of(id, visibleTo.orElse(null)))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw LotViews.lotNotFound(id);
                    }
                    return view(rows.iterator().next());
                });
    }

    private static Uni<Void> requireKinds(SqlConnection c, String factory, String bank) {
        return c.preparedQuery("SELECT id, kind FROM tenants WHERE id = ANY($1)")
                .execute(Tuple.of((Object) new String[] {factory, bank}))
                .map(rows -> {
                    Map<String, String> kinds = new HashMap<>();
                    rows.forEach(row -> kinds.put(row.getString("id"), row.getString("kind")));
                    if (!kinds.containsKey(factory)) {
                        throw ApiException.notFound("TENANT_NOT_FOUND", "no tenant '" + factory + "'", Map.of("tenant", factory));
                    }
                    if (!"factory".equals(kinds.get(factory))) {
                        throw ApiException.conflict("TENANT_NOT_A_FACTORY", "only factory tenants pledge lots; '" + factory
                                + "' is a " + kinds.get(factory), Map.of("tenant", factory, "kind", kinds.get(factory)));
                    }
                    if (!kinds.containsKey(bank)) {
                        throw ApiException.notFound("TENANT_NOT_FOUND", "no bank tenant '" + bank + "'",
                                Map.of("tenant", bank, "field", "bank"));
                    }
                    if (!"bank".equals(kinds.get(bank))) {
                        throw ApiException.conflict("LOT_BANK_NOT_A_BANK", "a lot is financed by a bank tenant; '" + bank
                                + "' is a " + kinds.get(bank), Map.of("tenant", bank, "kind", kinds.get(bank)));
                    }
                    return null;
                });
    }

    private LotView view(Row row) {
        List<WatchView> watches = List.of();
        String watchJson = row.getString("watches");
        if (watchJson != null) {
            try {
                watches = json.readValue(watchJson, new TypeReference<List<WatchView>>() { });
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException("lot_watches of lot " + row.getLong("id") + " do not map", e);
            }
        }
        String[] devices = row.getArrayOfStrings("devices");
        Instant closed = instant(row.getOffsetDateTime("closed_at"));
        return new LotView(row.getLong("id"), row.getString("factory_tenant_id"), row.getString("site_id"),
                row.getString("bank_tenant_id"), row.getString("name"), devices == null ? List.of() : List.of(devices),
                row.getString("chain_facility_id"), watches, row.getInteger("terms_version"),
                instant(row.getOffsetDateTime("terms_set_at")), instant(row.getOffsetDateTime("created_at")), closed,
                closed == null, chain(row.getString("chain")));
    }

    /** The linked facility's state as the chain says (chain.PgChainEvents' projection), or null. */
    private com.fasterxml.jackson.databind.JsonNode chain(String view) {
        if (view == null) {
            return null;
        }
        try {
            return json.readTree(view);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("chain_collateral_facilities.view is not JSON", e);
        }
    }

    static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }

    private static List<Map<String, Object>> watchesDetail(LotTerms terms) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Watch w : terms.watches()) {
            list.add(Map.of("quantity", w.quantity().senmlName(), "lo", w.lo(), "hi", w.hi(), "minDurationMs", w.minDurationMs(),
                    "maxGapMs", w.maxGapMs(), "samplingIntervalMs", w.samplingIntervalMs(), "maxAgeMs", w.maxAgeMs(), "k", w.k()));
        }
        return list;
    }

    static ApiException closed(long id) {
        return ApiException.conflict(LOT_CLOSED, "lot " + id + " is closed", Map.of("lot", id));
    }

}
