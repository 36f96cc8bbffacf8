package io.sensorproof.gateway.registry;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.sensorproof.gateway.api.ApiException;
import io.sensorproof.protocol.ids.Identifiers;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.OffsetDateTime;
import java.util.Map;

/** Read access to tenants; creation and devices come with the registry API. */
@Path("/api/v1/tenants")
@Produces(MediaType.APPLICATION_JSON)
public class TenantResource {

    /** A tenant as the API shows it. */
    public record TenantView(String id, String name, OffsetDateTime createdAt) {
        static TenantView of(Tenant tenant) {
            return new TenantView(tenant.id, tenant.name, tenant.createdAt);
        }
    }

    @GET
    @Path("/{id}")
    @WithSession
    public Uni<TenantView> get(@PathParam("id") String id) {
        Identifiers.requireValid(id, "tenant id");
        return Tenant.<Tenant>findById(id)
                .onItem().ifNull().failWith(() -> ApiException.notFound("TENANT_NOT_FOUND",
                        "no tenant '" + id + "'", Map.of("tenant", id)))
                .map(TenantView::of);
    }
}
