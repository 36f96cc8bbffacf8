package io.sensorproof.gateway.security;

import jakarta.ws.rs.core.SecurityContext;
import java.security.Principal;

/** JAX-RS security context of a request authenticated by an API key; roles are {@link ApiKeyRole} labels. */
final class ApiKeySecurityContext implements SecurityContext {
    private final ApiKeyPrincipal principal;
    private final boolean secure;

    ApiKeySecurityContext(ApiKeyPrincipal principal, boolean secure) {
        this.principal = principal;
        this.secure = secure;
    }

    @Override
    public Principal getUserPrincipal() {
        return principal;
    }

    @Override
    public boolean isUserInRole(String role) {
        return principal.role().label().equals(role);
    }

    @Override
    public boolean isSecure() {
        return secure;
    }

    @Override
    public String getAuthenticationScheme() {
        return "Bearer";
    }
}
