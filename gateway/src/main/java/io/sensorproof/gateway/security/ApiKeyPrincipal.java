package io.sensorproof.gateway.security;

import java.security.Principal;
import java.util.Optional;

/**
 * The caller of an authenticated request: the API key's id, label, role and tenant (null for
 * platform keys), never its secret.
 */
public record ApiKeyPrincipal(long keyId, String label, ApiKeyRole role, String tenantId) implements Principal {
    @Override
    public String getName() {
        return "api-key:" + keyId;
    }

    /** The key's tenant, empty for platform keys. */
    public Optional<String> tenant() {
        return Optional.ofNullable(tenantId);
    }

    /** True when the key belongs to {@code tenant}. */
    public boolean belongsTo(String tenant) {
        return tenantId != null && tenantId.equals(tenant);
    }
}
