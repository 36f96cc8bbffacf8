package io.sensorproof.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.gateway.api.ApiException;
import jakarta.ws.rs.core.SecurityContext;
import java.security.Principal;
import org.junit.jupiter.api.Test;

/** The decisions {@link Access} takes from the caller's role and the path's tenant alone (no database). */
class AccessTest {
    private final Access access = new Access(null);

    @Test
    void platformAdministrationIsForOperatorsOnly() {
        assertThat(access.requirePlatformAdmin(key(ApiKeyRole.OPERATOR, null)).role()).isEqualTo(ApiKeyRole.OPERATOR);
        for (SecurityContext other : new SecurityContext[] {key(ApiKeyRole.REGULATOR, null), key(ApiKeyRole.FACTORY, "a"),
                key(ApiKeyRole.BANK, "b"), key(ApiKeyRole.EXCHANGE, "x")}) {
            assertForbidden(() -> access.requirePlatformAdmin(other));
        }
    }

    @Test
    void platformReadsAreForOperatorsAndRegulators() {
        access.requirePlatformRead(key(ApiKeyRole.OPERATOR, null));
        access.requirePlatformRead(key(ApiKeyRole.REGULATOR, "agency"));
        assertForbidden(() -> access.requirePlatformRead(key(ApiKeyRole.FACTORY, "a")));
        assertForbidden(() -> access.requirePlatformRead(key(ApiKeyRole.BANK, "b")));
    }

    @Test
    void tenantAdministrationIsForOperatorsAndTheTenantsOwnFactoryKeys() {
        access.requireTenantAdmin(key(ApiKeyRole.OPERATOR, null), "a");
        access.requireTenantAdmin(key(ApiKeyRole.FACTORY, "a"), "a");
        assertForbidden(() -> access.requireTenantAdmin(key(ApiKeyRole.FACTORY, "b"), "a"));
        assertForbidden(() -> access.requireTenantAdmin(key(ApiKeyRole.BANK, "a"), "a"));
        assertForbidden(() -> access.requireTenantAdmin(key(ApiKeyRole.REGULATOR, "a"), "a"));
        assertForbidden(() -> access.requireTenantAdmin(key(ApiKeyRole.FACTORY, "a"), "not a valid id"));
    }

    @Test
    void tenantRecordsAreReadableByPlatformReadersAndTheTenantsOwnKeys() {
        access.requireTenantRead(key(ApiKeyRole.REGULATOR, null), "a");
        access.requireTenantRead(key(ApiKeyRole.BANK, "b"), "b");
        assertForbidden(() -> access.requireTenantRead(key(ApiKeyRole.BANK, "b"), "a"));
        assertForbidden(() -> access.requireTenantRead(key(ApiKeyRole.FACTORY, "b"), "a"));
    }

    @Test
    void deviceScopesFollowTheRole() {
        assertThat(access.deviceScope(principal(ApiKeyRole.OPERATOR, null))).isEqualTo(DeviceScope.all());
        assertThat(access.deviceScope(principal(ApiKeyRole.REGULATOR, "agency"))).isEqualTo(DeviceScope.all());
        assertThat(access.deviceScope(principal(ApiKeyRole.FACTORY, "a")))
                .isEqualTo(new DeviceScope(DeviceScope.Kind.OWNED_BY, "a"));
        assertThat(access.deviceScope(principal(ApiKeyRole.BANK, "b")))
                .isEqualTo(new DeviceScope(DeviceScope.Kind.GRANTED_TO, "b"));
        assertThat(access.deviceScope(principal(ApiKeyRole.EXCHANGE, "x")).condition("device_id").orElseThrow().sql())
                .contains("data_grants").contains("revoked_at IS NULL");
        assertThat(DeviceScope.all().condition("device_id")).isEmpty();
    }

    @Test
    void aRequestWithoutAnApiKeyIsUnauthenticated() {
        assertThatThrownBy(() -> access.caller(null)).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.status()).isEqualTo(401));
    }

    private static void assertForbidden(Runnable check) {
        assertThatThrownBy(check::run).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(403);
            assertThat(e.code()).isEqualTo(Access.FORBIDDEN);
        });
    }

    private static ApiKeyPrincipal principal(ApiKeyRole role, String tenant) {
        return new ApiKeyPrincipal(1, "test", role, tenant);
    }

    private static SecurityContext key(ApiKeyRole role, String tenant) {
        ApiKeyPrincipal principal = principal(role, tenant);
        return new SecurityContext() {
            @Override
            public Principal getUserPrincipal() {
                return principal;
            }

            @Override
            public boolean isUserInRole(String r) {
                return role.label().equals(r);
            }

            @Override
            public boolean isSecure() {
                return false;
            }

            @Override
            public String getAuthenticationScheme() {
                return "Bearer";
            }
        };
    }
}
