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
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * Sites of a factory tenant (plants, warehouses, cold rooms); devices may be registered at one.
 * Created by operator keys and the tenant's factory keys; read also by regulator keys and the
 * tenant's other keys.
 */
@Path("/api/v1/tenants/{tenant}/sites")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "registry")
public class SiteResource {
    private static final String CURSOR_KIND = "sites";
    private static final String COLUMNS = "tenant_id, site_id, name, created_at";

    private final Pool pool;
    private final Access access;
    private final AuditLog audit;

    SiteResource(Pool pool, Access access, AuditLog audit) {
        this.pool = pool;
        this.access = access;
        this.audit = audit;
    }

    /** A site as the API shows it. */
    public record SiteView(String tenantId, String siteId, String name, Instant createdAt) {
        static SiteView of(Row row) {
            return new SiteView(row.getString("tenant_id"), row.getString("site_id"), row.getString("name"),
                    row.getOffsetDateTime("created_at").toInstant());
        }
    }

    /** Body of the site creation. */
    public record CreateSiteRequest(String siteId, String name) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a site of a factory tenant; 409 SITE_EXISTS, TENANT_NOT_A_FACTORY")
    public Uni<RestResponse<SiteView>> create(@Context SecurityContext security, @PathParam("tenant") String tenant,
            CreateSiteRequest request) {
        ApiKeyPrincipal caller = access.requireTenantAdmin(security, tenant);
        Identifiers.requireValid(tenant, "tenant id");
        if (request == null) {
            throw ApiException.badRequest("INVALID_REQUEST", "body {siteId, name} is required", Map.of());
        }
        String siteId = BodyIdentifiers.require(request.siteId(), "siteId", "site id", "{siteId, name}");
        String name = TenantResource.requireText("name", request.name(), TenantResource.MAX_NAME_LENGTH);
        return pool.withTransaction(connection -> connection.preparedQuery("SELECT kind FROM tenants WHERE id = $1 FOR SHARE")
                .execute(Tuple.of(tenant))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        throw TenantResource.notFound(tenant);
                    }
                    String kind = rows.iterator().next().getString(0);
                    if (!TenantKind.FACTORY.label().equals(kind)) {
                        throw ApiException.conflict("TENANT_NOT_A_FACTORY", "only factory tenants have sites; '" + tenant
                                + "' is a " + kind, Map.of("tenant", tenant, "kind", kind));
                    }
                    return connection.preparedQuery("INSERT INTO sites (tenant_id, site_id, name) VALUES ($1, $2, $3)"
                            + " ON CONFLICT DO NOTHING RETURNING " + COLUMNS).execute(Tuple.of(tenant, siteId, name));
                })
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw ApiException.conflict("SITE_EXISTS", "tenant '" + tenant + "' already has a site '" + siteId + "'",
                                Map.of("tenant", tenant, "site", siteId));
                    }
                    return SiteView.of(rows.iterator().next());
                })
                .call(site -> audit.append(connection, AuditEvent.by(caller, AuditAction.SITE_CREATED, tenant, siteId,
                        Map.of("name", name)))))
                .map(site -> RestResponse.ResponseBuilder
                        .<SiteView>created(URI.create("/api/v1/tenants/" + tenant + "/sites/" + siteId))
                        .entity(site)
                        .build());
    }

    @GET
    @Operation(summary = "List the tenant's sites by id, paged")
    public Uni<Page<SiteView>> list(@Context SecurityContext security, @PathParam("tenant") String tenant,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        access.requireTenantRead(security, tenant);
        Identifiers.requireValid(tenant, "tenant id");
        int max = QueryParameters.limit(limit);
        Optional<String> after = QueryParameters.decodeCursor(cursor, CURSOR_KIND, 1).map(key -> key.get(0));
        return requireTenant(tenant)
                .chain(() -> pool.preparedQuery("SELECT " + COLUMNS + " FROM sites WHERE tenant_id = $1 AND site_id > $2"
                        + " ORDER BY site_id LIMIT $3").execute(Tuple.of(tenant, after.orElse(""), max + 1)))
                .map(rows -> {
                    List<SiteView> items = new ArrayList<>();
                    rows.forEach(row -> items.add(SiteView.of(row)));
                    return Page.of(items, max, last -> QueryParameters.encodeCursor(CURSOR_KIND, last.siteId()));
                });
    }

    @GET
    @Path("/{siteId}")
    @Operation(summary = "Read a site")
    public Uni<SiteView> get(@Context SecurityContext security, @PathParam("tenant") String tenant,
            @PathParam("siteId") String siteId) {
        access.requireTenantRead(security, tenant);
        Identifiers.requireValid(tenant, "tenant id");
        Identifiers.requireValid(siteId, "site id");
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM sites WHERE tenant_id = $1 AND site_id = $2")
                .execute(Tuple.of(tenant, siteId))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw notFound(tenant, siteId);
                    }
                    return SiteView.of(rows.iterator().next());
                });
    }

    /** 404 SITE_NOT_FOUND, the same whether the site is missing or hidden from the caller. */
    public static ApiException notFound(String tenant, String site) {
        return ApiException.notFound("SITE_NOT_FOUND", "no site '" + site + "' in tenant '" + tenant + "'",
                Map.of("tenant", tenant, "site", site));
    }

    private Uni<Void> requireTenant(String tenant) {
        return pool.preparedQuery("SELECT 1 FROM tenants WHERE id = $1").execute(Tuple.of(tenant)).map(rows -> {
            if (rows.size() == 0) {
                throw TenantResource.notFound(tenant);
            }
            return null;
        });
    }
}
