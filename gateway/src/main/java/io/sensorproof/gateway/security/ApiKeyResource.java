package io.sensorproof.gateway.security;

import io.sensorproof.gateway.api.ApiException;
import io.sensorproof.gateway.api.Page;
import io.sensorproof.gateway.api.QueryParameters;
import io.sensorproof.gateway.security.ApiKeyStore.ApiKeyView;
import io.sensorproof.gateway.security.ApiKeyStore.CreatedApiKey;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.net.URI;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/** API keys: create (the secret is in this one response only), list (no secrets), revoke. */
@Path("/api/v1/api-keys")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "api-keys")
public class ApiKeyResource {
    static final int MAX_LABEL_LENGTH = 200;

    private final ApiKeyStore store;

    ApiKeyResource(ApiKeyStore store) {
        this.store = store;
    }

    /** Body of {@code POST /api/v1/api-keys}; role defaults to {@code operator}. */
    public record CreateApiKeyRequest(String label, String role) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create an API key; the response is the only place its secret ever appears")
    public Uni<RestResponse<CreatedApiKey>> create(CreateApiKeyRequest request) {
        String label = request == null ? null : request.label();
        if (label == null || label.isBlank() || label.length() > MAX_LABEL_LENGTH) {
            throw ApiException.badRequest("INVALID_REQUEST", "label is required, 1-" + MAX_LABEL_LENGTH + " characters",
                    Map.of("field", "label"));
        }
        String roleLabel = request.role() == null ? ApiKeyRole.OPERATOR.label() : request.role();
        ApiKeyRole role = ApiKeyRole.fromLabel(roleLabel).orElseThrow(() -> ApiException.badRequest("INVALID_REQUEST",
                "role must be 'operator' (the only role so far)", Map.of("field", "role", "value", roleLabel)));
        return store.create(label.strip(), role).map(created -> RestResponse.ResponseBuilder
                .<CreatedApiKey>created(URI.create("/api/v1/api-keys/" + created.id()))
                .entity(created)
                .header("Cache-Control", "no-store")
                .build());
    }

    @GET
    @Operation(summary = "List API keys (without secrets), revoked ones included")
    public Uni<Page<ApiKeyView>> list() {
        return store.list().map(keys -> new Page<>(keys, null));
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Revoke an API key (idempotent); the last active key cannot be revoked")
    public Uni<RestResponse<Void>> revoke(@PathParam("id") String id) {
        long keyId = QueryParameters.longValue("id", id, 1, Long.MAX_VALUE);
        return store.revoke(keyId).map(revoked -> RestResponse.noContent());
    }
}
