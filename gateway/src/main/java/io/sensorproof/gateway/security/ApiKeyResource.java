package io.sensorproof.gateway.security;

import io.sensorproof.gateway.api.ApiException;
import io.sensorproof.gateway.api.Page;
import io.sensorproof.gateway.api.QueryParameters;
import io.sensorproof.gateway.security.ApiKeyStore.ApiKeyView;
import io.sensorproof.gateway.security.ApiKeyStore.CreatedApiKey;
import io.sensorproof.protocol.ids.Identifiers;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.net.URI;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * API keys: create (the secret is in this one response only), list (no secrets), revoke. Operator
 * keys manage every key; a factory key manages the factory keys of its own tenant; other keys list
 * their own tenant's keys and change nothing.
 */
@Path("/api/v1/api-keys")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "api-keys")
public class ApiKeyResource {
    static final int MAX_LABEL_LENGTH = 200;

    private final ApiKeyStore store;
    private final Access access;

    ApiKeyResource(ApiKeyStore store, Access access) {
        this.store = store;
        this.access = access;
    }

    /**
     * Body of {@code POST /api/v1/api-keys}. For an operator caller the role defaults to
     * {@code operator} and {@code tenant} is required for factory, bank and exchange keys; for a
     * factory caller both default to its own (the only values it may use).
     */
    public record CreateApiKeyRequest(String label, String role, String tenant) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create an API key; the response is the only place its secret ever appears. Operator keys"
            + " create any key; a factory key creates factory keys of its own tenant")
    public Uni<RestResponse<CreatedApiKey>> create(@Context SecurityContext security, CreateApiKeyRequest request) {
        ApiKeyPrincipal caller = access.caller(security);
        String roleLabel = request == null ? null : request.role();
        String tenant = request == null || request.tenant() == null || request.tenant().isEmpty() ? null : request.tenant();
        if (caller.role() == ApiKeyRole.FACTORY) {
            tenant = tenant == null ? caller.tenantId() : tenant;
            access.requireTenantAdmin(security, tenant);
            if (roleLabel != null && !roleLabel.equals(ApiKeyRole.FACTORY.label())) {
                throw Access.forbidden(caller, "a factory key creates factory keys of its own tenant only");
            }
            roleLabel = ApiKeyRole.FACTORY.label();
        } else {
            access.requirePlatformAdmin(security);
        }
        String label = request == null ? null : request.label();
        if (label == null || label.isBlank() || label.length() > MAX_LABEL_LENGTH) {
            throw ApiException.badRequest("INVALID_REQUEST", "label is required, 1-" + MAX_LABEL_LENGTH + " characters",
                    Map.of("field", "label"));
        }
        String chosen = roleLabel == null ? ApiKeyRole.OPERATOR.label() : roleLabel;
        ApiKeyRole role = ApiKeyRole.fromLabel(chosen).orElseThrow(() -> ApiException.badRequest("INVALID_REQUEST",
                "role must be one of " + Arrays.stream(ApiKeyRole.values()).map(ApiKeyRole::label).toList(),
                Map.of("field", "role", "value", chosen)));
        String keyTenant = requireTenantFitsScope(role, tenant);
        return store.create(label.strip(), role, keyTenant, caller).map(created -> RestResponse.ResponseBuilder
                .<CreatedApiKey>created(URI.create("/api/v1/api-keys/" + created.id()))
                .entity(created)
                .header("Cache-Control", "no-store")
                .build());
    }

    @GET
    @Operation(summary = "List API keys (without secrets), revoked ones included; operator and regulator keys see all,"
            + " other keys their own tenant's")
    public Uni<Page<ApiKeyView>> list(@Context SecurityContext security) {
        ApiKeyPrincipal caller = access.caller(security);
        Optional<String> tenant = caller.role().readsEverything() ? Optional.empty()
                : Optional.of(access.requireTenantRead(security, caller.tenantId()).tenantId());
        return store.list(tenant).map(keys -> new Page<>(keys, null));
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Revoke an API key (idempotent); the last active operator key cannot be revoked. Operator keys"
            + " revoke any key, a factory key those of its own tenant")
    public Uni<RestResponse<Void>> revoke(@Context SecurityContext security, @PathParam("id") String id) {
        ApiKeyPrincipal caller = access.caller(security);
        if (caller.role() == ApiKeyRole.FACTORY) {
            access.requireTenantAdmin(security, caller.tenantId());
        } else {
            access.requirePlatformAdmin(security);
        }
        long keyId = QueryParameters.longValue("id", id, 1, Long.MAX_VALUE);
        return store.revoke(keyId, caller).map(revoked -> RestResponse.noContent());
    }

    private static String requireTenantFitsScope(ApiKeyRole role, String tenant) {
        switch (role.scope()) {
            case PLATFORM -> {
                if (tenant != null) {
                    throw ApiException.badRequest("INVALID_REQUEST", role.label() + " keys belong to no tenant",
                            Map.of("field", "tenant", "role", role.label()));
                }
                return null;
            }
            case TENANT -> {
                if (tenant == null) {
                    throw ApiException.badRequest("INVALID_REQUEST", role.label() + " keys need a tenant",
                            Map.of("field", "tenant", "role", role.label()));
                }
                return Identifiers.requireValid(tenant, "tenant id");
            }
            default -> {
                return tenant == null ? null : Identifiers.requireValid(tenant, "tenant id");
            }
        }
    }
}
