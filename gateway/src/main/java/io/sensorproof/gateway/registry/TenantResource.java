package io.sensorproof.gateway.registry;

import io.quarkus.hibernate.reactive.panache.PanacheQuery;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.panache.common.Sort;
import io.sensorproof.gateway.api.ApiException;
import io.sensorproof.gateway.api.Page;
import io.sensorproof.gateway.api.QueryParameters;
import io.sensorproof.protocol.ids.Identifiers;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.net.URI;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/** Tenants: create, list (by id, paged), read. */
@Path("/api/v1/tenants")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "registry")
public class TenantResource {
    static final int MAX_NAME_LENGTH = 200;
    private static final String CURSOR_KIND = "tenants";

    /** A tenant as the API shows it. */
    public record TenantView(String id, String name, Instant createdAt) {
        static TenantView of(Tenant tenant) {
            return new TenantView(tenant.id, tenant.name, tenant.createdAt.toInstant());
        }
    }

    /** Body of {@code POST /api/v1/tenants}. */
    public record CreateTenantRequest(String id, String name) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @WithTransaction
    @Operation(summary = "Create a tenant; 409 TENANT_EXISTS when the id is taken")
    public Uni<RestResponse<TenantView>> create(CreateTenantRequest request) {
        if (request == null) {
            throw ApiException.badRequest("INVALID_REQUEST", "body {id, name} is required", Map.of());
        }
        String id = Identifiers.requireValid(request.id(), "tenant id");
        String name = requireText("name", request.name(), MAX_NAME_LENGTH);
        return Tenant.<Tenant>findById(id).chain(existing -> {
            if (existing != null) {
                return Uni.createFrom().failure(exists(id));
            }
            Tenant tenant = new Tenant();
            tenant.id = id;
            tenant.name = name;
            tenant.createdAt = now();
            return tenant.<Tenant>persistAndFlush();
        }).onFailure(UniqueViolations::isUniqueViolation).transform(f -> exists(id))
                .map(tenant -> RestResponse.ResponseBuilder
                        .<TenantView>created(URI.create("/api/v1/tenants/" + id))
                        .entity(TenantView.of(tenant))
                        .build());
    }

    @GET
    @WithSession
    @Operation(summary = "List tenants by id, paged")
    public Uni<Page<TenantView>> list(@QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        int max = QueryParameters.limit(limit);
        Optional<String> after = QueryParameters.decodeCursor(cursor, CURSOR_KIND, 1).map(key -> key.get(0));
        PanacheQuery<Tenant> query = after.isPresent()
                ? Tenant.find("id > ?1", Sort.by("id"), after.get())
                : Tenant.findAll(Sort.by("id"));
        return query.range(0, max).list().map(tenants -> Page.of(
                tenants.stream().map(TenantView::of).toList(), max,
                last -> QueryParameters.encodeCursor(CURSOR_KIND, last.id())));
    }

    @GET
    @Path("/{id}")
    @WithSession
    @Operation(summary = "Read a tenant")
    public Uni<TenantView> get(@PathParam("id") String id) {
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
