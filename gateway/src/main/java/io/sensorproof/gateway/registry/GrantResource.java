package io.sensorproof.gateway.registry;

import io.sensorproof.gateway.api.ApiException;
import io.sensorproof.gateway.api.BodyIdentifiers;
import io.sensorproof.gateway.api.Page;
import io.sensorproof.gateway.api.QueryParameters;
import io.sensorproof.gateway.audit.AuditAction;
import io.sensorproof.gateway.audit.AuditEvent;
import io.sensorproof.gateway.audit.AuditLog;
import io.sensorproof.gateway.security.Access;
import io.sensorproof.gateway.security.ApiKeyPrincipal;
import io.sensorproof.protocol.ids.Identifiers;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * Read grants (ADR 011): a factory lets a bank or exchange tenant read chosen devices (pledged
 * goods) and revokes that again. Grants are never deleted; revocation sets {@code revokedAt} and
 * takes effect on the grantee's next request. {@code /tenants/{tenant}/grants} lists the grants the
 * tenant gave or received.
 */
@Path("/api/v1/tenants/{tenant}/grants")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "grants")
public class GrantResource {
    /** Most devices in one grant request. */
    static final int MAX_DEVICES = 1000;
    /** 409: an open lot created the grant for its bank; it ends when the lot closes. */
    public static final String HELD_BY_OPEN_LOT = "GRANT_HELD_BY_OPEN_LOT";
    static final int MAX_NOTE_LENGTH = 500;
    private static final String CURSOR_KIND = "grants";
    private static final String COLUMNS = "id, grantor_tenant_id, grantee_tenant_id, device_id, note, granted_at, granted_by,"
            + " revoked_at, revoked_by";

    private final Pool pool;
    private final Access access;
    private final AuditLog audit;

    GrantResource(Pool pool, Access access, AuditLog audit) {
        this.pool = pool;
        this.access = access;
        this.audit = audit;
    }

    /**
     * A grant: {@code grantee} may read {@code deviceId} of {@code grantor} while {@code revokedAt}
     * is null; {@code grantedBy}/{@code revokedBy} are API key ids.
     */
    public record GrantView(long id, String grantor, String grantee, String deviceId, String note, Instant grantedAt,
            Long grantedBy, Instant revokedAt, Long revokedBy, boolean active) {
        static GrantView of(Row row) {
            Instant revoked = row.getOffsetDateTime("revoked_at") == null ? null : row.getOffsetDateTime("revoked_at").toInstant();
            return new GrantView(row.getLong("id"), row.getString("grantor_tenant_id"), row.getString("grantee_tenant_id"),
                    row.getString("device_id"), row.getString("note"), row.getOffsetDateTime("granted_at").toInstant(),
                    row.getLong("granted_by"), revoked, row.getLong("revoked_by"), revoked == null);
        }
    }

    /** Body of a grant: the bank or exchange tenant, the devices (of this tenant) and an optional note. */
    public record GrantRequest(String grantee, List<String> deviceIds, String note) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Grant a bank or exchange tenant read access to devices of this factory tenant; devices"
            + " already granted to it keep their grant. 201 with the grants when any was new, 200 otherwise")
    public Uni<RestResponse<Page<GrantView>>> grant(@Context SecurityContext security, @PathParam("tenant") String tenant,
            GrantRequest request) {
        ApiKeyPrincipal caller = access.requireTenantAdmin(security, tenant);
        Identifiers.requireValid(tenant, "tenant id");
        if (request == null) {
            throw ApiException.badRequest("INVALID_REQUEST", "body {grantee, deviceIds, note} is required", Map.of());
        }
        String grantee = BodyIdentifiers.require(request.grantee(), "grantee", "grantee tenant id", "{grantee, deviceIds, note}");
        if (request.deviceIds() == null || request.deviceIds().isEmpty() || request.deviceIds().size() > MAX_DEVICES) {
            throw ApiException.badRequest("INVALID_REQUEST", "deviceIds must list 1-" + MAX_DEVICES + " devices",
                    Map.of("field", "deviceIds"));
        }
        Set<String> devices = new LinkedHashSet<>();
        request.deviceIds().forEach(d -> devices.add(Identifiers.requireValid(d, "device id")));
        String note = request.note() == null || request.note().isBlank() ? null
                : TenantResource.requireText("note", request.note(), MAX_NOTE_LENGTH);
        String[] deviceArray = devices.toArray(String[]::new);
        return pool.withTransaction(connection -> requireKinds(connection, tenant, grantee)
                .chain(() -> connection.preparedQuery("SELECT device_id FROM devices WHERE tenant_id = $1 AND device_id = ANY($2)")
                        .execute(Tuple.of(tenant, deviceArray)))
                .chain(rows -> {
                    Set<String> missing = new LinkedHashSet<>(devices);
                    rows.forEach(row -> missing.remove(row.getString(0)));
                    if (!missing.isEmpty()) {
                        throw Access.deviceNotFoundInTenant(tenant, missing.iterator().next());
                    }
                    return connection.preparedQuery("INSERT INTO data_grants (grantor_tenant_id, grantee_tenant_id, device_id,"
                                    + " note, granted_by) SELECT $1, $2, d, $3, $4 FROM unnest($5::text[]) AS d"
                                    + " ON CONFLICT (grantee_tenant_id, device_id) WHERE revoked_at IS NULL DO NOTHING"
                                    + " RETURNING " + COLUMNS)
                            .execute(Tuple.of(tenant, grantee, note, caller.keyId(), deviceArray));
                })
                .chain(inserted -> {
                    List<GrantView> created = new ArrayList<>();
                    inserted.forEach(row -> created.add(GrantView.of(row)));
                    return Multi.createFrom().iterable(created)
                            .onItem().transformToUniAndConcatenate(g -> audit.append(connection, AuditEvent.by(caller,
                                    AuditAction.GRANT_GIVEN, tenant, String.valueOf(g.id()), grantDetail(g))))
                            .collect().asList()
                            .chain(() -> connection.preparedQuery("SELECT " + COLUMNS + " FROM data_grants WHERE grantee_tenant_id = $1"
                                            + " AND device_id = ANY($2) AND revoked_at IS NULL ORDER BY id")
                                    .execute(Tuple.of(grantee, deviceArray)))
                            .map(active -> {
                                List<GrantView> grants = new ArrayList<>();
                                active.forEach(row -> grants.add(GrantView.of(row)));
                                return RestResponse.ResponseBuilder.<Page<GrantView>>create(
                                                created.isEmpty() ? RestResponse.Status.OK : RestResponse.Status.CREATED)
                                        .entity(new Page<>(grants, null)).build();
                            });
                }));
    }

    @GET
    @Operation(summary = "Grants this tenant gave or received, by id, paged; revoked ones included unless active=true")
    public Uni<Page<GrantView>> list(@Context SecurityContext security, @PathParam("tenant") String tenant,
            @Parameter(description = "true: only active grants; false: only revoked ones") @QueryParam("active") String active,
            @Parameter(description = "only grants on this device") @QueryParam("device") String device,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        access.requireTenantRead(security, tenant);
        Identifiers.requireValid(tenant, "tenant id");
        Optional<Boolean> activeOnly = QueryParameters.bool("active", active);
        Optional<String> deviceFilter = Optional.ofNullable(device).filter(d -> !d.isEmpty())
                .map(d -> Identifiers.requireValid(d, "device id"));
        int max = QueryParameters.limit(limit);
        long after = QueryParameters.decodeCursor(cursor, CURSOR_KIND, 1).map(key -> {
            try {
                return Long.parseLong(key.get(0));
            } catch (NumberFormatException e) {
                throw QueryParameters.badCursor(cursor);
            }
        }).orElse(0L);
        String sql = "SELECT " + COLUMNS + " FROM data_grants WHERE (grantor_tenant_id = $1 OR grantee_tenant_id = $1)"
                + " AND ($2::boolean IS NULL OR (revoked_at IS NULL) = $2) AND ($3::text IS NULL OR device_id = $3)"
                + " AND id > $4 ORDER BY id LIMIT $5";
        return pool.preparedQuery(sql)
                .execute(Tuple.of(tenant, activeOnly.orElse(null), deviceFilter.orElse(null), after, max + 1))
                .map(rows -> {
                    List<GrantView> items = new ArrayList<>();
                    rows.forEach(row -> items.add(GrantView.of(row)));
                    return Page.of(items, max, last -> QueryParameters.encodeCursor(CURSOR_KIND, last.id()));
                });
    }

    @GET
    @Path("/{grantId}")
    @Operation(summary = "Read a grant this tenant gave or received")
    public Uni<GrantView> get(@Context SecurityContext security, @PathParam("tenant") String tenant,
            @PathParam("grantId") String grantId) {
        access.requireTenantRead(security, tenant);
        long id = QueryParameters.longValue("grantId", grantId, 1, Long.MAX_VALUE);
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM data_grants WHERE id = $1"
                        + " AND (grantor_tenant_id = $2 OR grantee_tenant_id = $2)")
                .execute(Tuple.of(id, tenant))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw notFound(tenant, id);
                    }
                    return GrantView.of(rows.iterator().next());
                });
    }

    @DELETE
    @Path("/{grantId}")
    @Operation(summary = "Revoke a grant this tenant gave (idempotent); the grantee loses access at once, the grant"
            + " stays in the history with revokedAt. 409 GRANT_HELD_BY_OPEN_LOT while an open lot's bank reads the"
            + " device through it (closing the lot revokes it)")
    public Uni<RestResponse<Void>> revoke(@Context SecurityContext security, @PathParam("tenant") String tenant,
            @PathParam("grantId") String grantId) {
        ApiKeyPrincipal caller = access.requireTenantAdmin(security, tenant);
        long id = QueryParameters.longValue("grantId", grantId, 1, Long.MAX_VALUE);
        return pool.withTransaction(connection -> requireNoOpenLot(connection, id, tenant)
                        .chain(() -> connection.preparedQuery("UPDATE data_grants SET revoked_at = now(),"
                                + " revoked_by = $3 WHERE id = $1 AND grantor_tenant_id = $2 AND revoked_at IS NULL RETURNING " + COLUMNS)
                        .execute(Tuple.of(id, tenant, caller.keyId())))
                        .chain(updated -> {
                            if (updated.size() > 0) {
                                GrantView g = GrantView.of(updated.iterator().next());
                                return audit.append(connection, AuditEvent.by(caller, AuditAction.GRANT_REVOKED, tenant,
                                        String.valueOf(id), grantDetail(g))).replaceWithVoid();
                            }
                            return connection.preparedQuery("SELECT 1 FROM data_grants WHERE id = $1 AND grantor_tenant_id = $2")
                                    .execute(Tuple.of(id, tenant))
                                    .map(rows -> {
                                        if (rows.size() == 0) {
                                            throw notFound(tenant, id);
                                        }
                                        return null;
                                    });
                        }))
                .map(done -> RestResponse.noContent());
    }

    /**
     * 409 {@value #HELD_BY_OPEN_LOT} when an open lot created the grant for its bank ({@code lot_devices.grant_id};
     * ADR 021: the lot's grant lives as long as the lot; closing the lot revokes it). A grant the factory gave
     * by hand before the lot (the lot then created none) stays the factory's to revoke. Checked in the revoking transaction at READ COMMITTED:
     * a lot created on the same grant by a transaction that commits between this check and the update is
     * not seen (a narrow race, not closed here).
     */
    private static Uni<Void> requireNoOpenLot(SqlConnection connection, long id, String tenant) {
        return connection.preparedQuery("SELECT ld.lot_id FROM data_grants g JOIN lot_devices ld ON ld.grant_id = g.id"
                        + " AND ld.lot_open WHERE g.id = $1 AND g.grantor_tenant_id = $2 AND g.revoked_at IS NULL ORDER BY ld.lot_id")
                .execute(Tuple.of(id, tenant))
                .map(rows -> {
                    if (rows.size() > 0) {
                        long lot = rows.iterator().next().getLong(0);
                        throw ApiException.conflict(HELD_BY_OPEN_LOT, "grant " + id + " gives the bank of open lot " + lot
                                + " read access to one of its devices; close the lot to revoke it", Map.of("grant", id, "lot", lot));
                    }
                    return null;
                });
    }

    private static Uni<Void> requireKinds(SqlConnection connection, String grantor, String grantee) {
        return connection.preparedQuery("SELECT id, kind FROM tenants WHERE id = ANY($1)")
                .execute(Tuple.of((Object) new String[] {grantor, grantee}))
                .map(rows -> {
                    Map<String, String> kinds = new HashMap<>();
                    rows.forEach(row -> kinds.put(row.getString("id"), row.getString("kind")));
                    if (!kinds.containsKey(grantor)) {
                        throw TenantResource.notFound(grantor);
                    }
                    if (!TenantKind.FACTORY.label().equals(kinds.get(grantor))) {
                        throw ApiException.conflict("TENANT_NOT_A_FACTORY", "only factory tenants give grants; '" + grantor
                                + "' is a " + kinds.get(grantor), Map.of("tenant", grantor, "kind", kinds.get(grantor)));
                    }
                    String kind = kinds.get(grantee);
                    if (kind == null) {
                        throw ApiException.notFound("TENANT_NOT_FOUND", "no grantee tenant '" + grantee + "'",
                                Map.of("tenant", grantee, "field", "grantee"));
                    }
                    if (!TenantKind.BANK.label().equals(kind) && !TenantKind.EXCHANGE.label().equals(kind)) {
                        throw ApiException.conflict("GRANTEE_NOT_BANK_OR_EXCHANGE", "grants go to bank or exchange tenants; '"
                                + grantee + "' is a " + kind, Map.of("tenant", grantee, "kind", kind));
                    }
                    return null;
                });
    }

    private static Map<String, Object> grantDetail(GrantView g) {
        return Map.of("grantee", g.grantee(), "device", g.deviceId());
    }

    private static ApiException notFound(String tenant, long id) {
        return ApiException.notFound("GRANT_NOT_FOUND", "tenant '" + tenant + "' has no grant " + id,
                Map.of("tenant", tenant, "grant", id));
    }
}
