package io.sensorproof.gateway.security;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * "Who am I" for the signed-in key (issue 16, ADR 033 addendum): its id, label, role and tenant, nothing else and
 * never its secret. The dashboard needs the role to choose a navigation; the key listing cannot tell an operator key
 * from a regulator key (both list every key). Every valid key may call it, and the answer is the caller's own
 * record, so it is exempt from the tenant-isolation probe, like the gateway's trust anchors.
 */
@Path("/api/v1/session")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "api-keys")
public class SessionResource {
    private final Access access;

    SessionResource(Access access) {
        this.access = access;
    }

    /**
     * The calling key.
     *
     * @param keyId its id (as in the key listing)
     * @param label its label
     * @param role operator, regulator, factory, bank or exchange
     * @param tenant its tenant, null for operator keys and regulator keys without one
     */
    public record SessionView(long keyId, String label, String role, String tenant) {
    }

    @GET
    @Operation(summary = "The calling API key: id, label, role and tenant (never the secret), for a client to choose what to"
            + " show; every valid key may ask")
    public SessionView get(@Context SecurityContext security) {
        ApiKeyPrincipal caller = access.caller(security);
        return new SessionView(caller.keyId(), caller.label(), caller.role().label(), caller.tenantId());
    }
}
