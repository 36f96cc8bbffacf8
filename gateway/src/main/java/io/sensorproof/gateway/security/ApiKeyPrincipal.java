package io.sensorproof.gateway.security;

import java.security.Principal;

/** The caller of an authenticated request: the API key's id, label and role (never its secret). */
public record ApiKeyPrincipal(long keyId, String label, ApiKeyRole role) implements Principal {
    @Override
    public String getName() {
        return "api-key:" + keyId;
    }
}
