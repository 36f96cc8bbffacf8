package io.sensorproof.gateway.registry;

import io.quarkus.hibernate.reactive.panache.PanacheQuery;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.panache.common.Sort;
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
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * Tenants: create (operator keys), list (by id, paged; operator and regulator keys see all, other
 * keys their own tenant), read.
 */
@Path("/api/v1/tenants")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "registry")
public class TenantResource {
    static final int MAX_NAME_LENGTH = 200;
    private static final String CURSOR_KIND = "tenants";

    private final Access access;
    private final AuditLog audit;

    TenantResource(Access access, AuditLog audit) {
        this.access = access;
        this.audit = audit;
    }

    /** A tenant as the API shows it; {@code kind} is factory, bank, exchange or regulator. */
    public record TenantView(String id, String name, String kind, Instant createdAt) {
        static TenantView of(Tenant tenant) {
            return new TenantView(tenant.id, tenant.name, tenant.kind, tenant.createdAt.toInstant());
        }
    }

    /** Body of {@code POST /api/v1/tenants}; {@code kind} defaults to {@code factory}. */
    public record CreateTenantRequest(String id, String name, String kind) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @WithTransaction
    @Operation(summary = "Create a tenant of a kind (factory, bank, exchange, regulator; default factory);"
            + " 409 TENANT_EXISTS when the id is taken. Operator keys only")
    public Uni<RestResponse<TenantView>> create(@Context SecurityContext security, CreateTenantRequest request) {
        ApiKeyPrincipal caller = access.requirePlatformAdmin(security);
        if (request == null) {
            throw ApiException.badRequest("INVALID_REQUEST", "body {id, name, kind} is required", Map.of());
        }
        String id = BodyIdentifiers.require(request.id(), "id", "tenant id", "{id, name, kind}");
        String name = requireText("name", request.name(), MAX_NAME_LENGTH);
        TenantKind kind = request.kind() == null ? TenantKind.FACTORY : TenantKind.fromLabel(request.kind())
                .orElseThrow(() -> ApiException.badRequest("INVALID_REQUEST", "kind must be one of "
                        + Arrays.stream(TenantKind.values()).map(TenantKind::label).toList(),
                        Map.of("field", "kind", "value", request.kind())));
        return Tenant.<Tenant>findById(id).chain(existing -> {
            if (existing != null) {
                return Uni.createFrom().failure(exists(id));
            }
            Tenant tenant = new Tenant();
            tenant.id = id;
            tenant.name = name;
            tenant.kind = kind.label();
            tenant.createdAt = now();
            return tenant.<Tenant>persistAndFlush()
                    .call(() -> audit.appendInSession(AuditEvent.by(caller, AuditAction.TENANT_CREATED, id, id,
                            Map.of("name", name, "kind", kind.label()))));
        }).onFailure(UniqueViolations::isUniqueViolation).transform(f -> exists(id))
                .map(tenant -> RestResponse.ResponseBuilder
                        .<TenantView>created(URI.create("/api/v1/tenants/" + id))
                        .entity(TenantView.of(tenant))
                        .build());
    }

    @GET
    @WithSession
    @Operation(summary = "List tenants by id, paged; operator and regulator keys see all, other keys their own")
    public Uni<Page<TenantView>> list(@Context SecurityContext security, @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor) {
        ApiKeyPrincipal caller = access.caller(security);
        Optional<String> own = caller.role().readsEverything() ? Optional.empty()
                : Optional.of(access.requireTenantRead(security, caller.tenantId()).tenantId());
        int max = QueryParameters.limit(limit);
        Optional<String> after = QueryParameters.decodeCursor(cursor, CURSOR_KIND, 1).map(key -> key.get(0));
        String where = own.isPresent() ? "id = ?2 and id > ?1" : "id > ?1";
        Object[] params = own.isPresent() ? new Object[] {after.orElse(""), own.get()} : new Object[] {after.orElse("")};
        PanacheQuery<Tenant> query = Tenant.find(where, Sort.by("id"), params);
        return query.range(0, max).list().map(tenants -> Page.of(
                tenants.stream().map(TenantView::of).toList(), max,
                last -> QueryParameters.encodeCursor(CURSOR_KIND, last.id())));
    }

    @GET
    @Path("/{id}")
    @WithSession
    @Operation(summary = "Read a tenant (operator and regulator keys, and the tenant's own keys)")
    public Uni<TenantView> get(@Context SecurityContext security, @PathParam("id") String id) {
        access.requireTenantRead(security, id);
        Identifiers.requireValid(id, "tenant id");
        return Tenant.<Tenant>findById(id)
                .onItem().ifNull().failWith(() -> notFound(id))
                .map(TenantView::of);
    }

    static ApiException notFound(String id) {
        return ApiException.notFound("TENANT_NOT_FOUND", "no tenant '" + id + "'", Map.of("tenant", id));
    }

    private static ApiException exists(String id) {
        return ApiException.conflict("TENANT_EXISTS", "tenant '" + id + "' already exists", Map.of("tenant", id));
    }

    static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    }

    static String requireText(String field, String value, int maxLength) {
        if (value == null || value.isBlank() || value.length() > maxLength) {
            throw ApiException.badRequest("INVALID_REQUEST", field + " is required, 1-" + maxLength + " characters",
                    Map.of("field", field));
        }
        return value.strip();
    }
}
