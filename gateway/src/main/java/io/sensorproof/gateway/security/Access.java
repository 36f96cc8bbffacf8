package io.sensorproof.gateway.security;

import io.sensorproof.gateway.api.ApiException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.SecurityContext;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one authorization component of the API (ADR 011). Every resource method calls one of these
 * first, before it parses or validates anything, with the request's {@code @Context SecurityContext}:
 *
 * <ul>
 *   <li>{@link #requirePlatformAdmin} — platform administration (tenants, operator keys): operator;</li>
 *   <li>{@link #requirePlatformRead} — platform-wide reads: operator, regulator;</li>
 *   <li>{@link #requireTenantAdmin} — writes under {@code /tenants/{tenant}} (sites, devices, grants,
 *       enrollment): operator, or a factory key of that tenant;</li>
 *   <li>{@link #requireDeviceAdmin} — the same for one device, which must belong to the tenant;</li>
 *   <li>{@link #requireTenantRead} — reading a tenant's own records: operator, regulator, keys of it;</li>
 *   <li>{@link #tenantDevices} — which of a tenant's devices the caller may list;</li>
 *   <li>{@link #requireDeviceRead} — reading one device's data: operator, regulator, the owning
 *       factory, a bank or exchange with an active grant;</li>
 *   <li>{@link #deviceScope} — the filter for listings that span devices;</li>
 *   <li>{@link #caller} — endpoints open to every valid key (the acknowledgement key).</li>
 * </ul>
 *
 * <p>403 {@value #FORBIDDEN} when the refusal follows from the caller's role and the tenant in the
 * path alone (nothing looked up, so it reveals nothing); 404, identical to the answer for a missing
 * resource, when it depends on a resource the caller may not see (a device, an entry, a key).
 */
@ApplicationScoped
public class Access {
    /** Code of the 403 response. */
    public static final String FORBIDDEN = "FORBIDDEN";
    /** Code of the 404 for a device that does not exist or that the caller may not see. */
    public static final String DEVICE_NOT_FOUND = "DEVICE_NOT_FOUND";

    private final Pool pool;

    Access(Pool pool) {
        this.pool = pool;
    }

    /** The authenticated caller; any valid key passes. */
    public ApiKeyPrincipal caller(SecurityContext security) {
        if (security != null && security.getUserPrincipal() instanceof ApiKeyPrincipal principal) {
            return principal;
        }
        // Only reachable for a path outside the authentication filter's prefix.
        throw new ApiException(401, ApiKeyAuthenticationFilter.UNAUTHENTICATED, "an API key is required", Map.of());
    }

    /** Platform administration: operator keys only. */
    public ApiKeyPrincipal requirePlatformAdmin(SecurityContext security) {
        ApiKeyPrincipal caller = caller(security);
        if (caller.role() != ApiKeyRole.OPERATOR) {
            throw forbidden(caller, "platform administration is for operator keys");
        }
        return caller;
    }

    /** Platform-wide reads: operator and regulator keys. */
    public ApiKeyPrincipal requirePlatformRead(SecurityContext security) {
        ApiKeyPrincipal caller = caller(security);
        if (!caller.role().readsEverything()) {
            throw forbidden(caller, "platform-wide reads are for operator and regulator keys");
        }
        return caller;
    }

    /** Administration of {@code tenant}'s sites, devices, grants and keys: operator, or a factory key of it. */
    public ApiKeyPrincipal requireTenantAdmin(SecurityContext security, String tenant) {
        ApiKeyPrincipal caller = caller(security);
        if (caller.role() == ApiKeyRole.OPERATOR
                || (caller.role() == ApiKeyRole.FACTORY && caller.belongsTo(tenant))) {
            return caller;
        }
        throw forbidden(caller, "administering tenant '" + tenant + "' is for operator keys and its own factory keys");
    }

    /**
     * Administration of one device of {@code tenant}: {@link #requireTenantAdmin} first, then the
     * device must exist in that tenant, else 404 {@value #DEVICE_NOT_FOUND}.
     */
    public Uni<ApiKeyPrincipal> requireDeviceAdmin(SecurityContext security, String tenant, String deviceId) {
        ApiKeyPrincipal caller = requireTenantAdmin(security, tenant);
        return pool.preparedQuery("SELECT 1 FROM devices WHERE device_id = $1 AND tenant_id = $2")
                .execute(Tuple.of(deviceId, tenant))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw deviceNotFoundInTenant(tenant, deviceId);
                    }
                    return caller;
                });
    }

    /** Reading {@code tenant}'s own records (the tenant, its sites, keys, grants): operator, regulator, its keys. */
    public ApiKeyPrincipal requireTenantRead(SecurityContext security, String tenant) {
        ApiKeyPrincipal caller = caller(security);
        if (caller.role().readsEverything() || caller.belongsTo(tenant)) {
            return caller;
        }
        throw forbidden(caller, "tenant '" + tenant + "' is readable by operator and regulator keys and its own keys");
    }

    /**
     * Which of {@code tenant}'s devices the caller may list: empty = all of them (operator,
     * regulator, the tenant's own keys); present = exactly these ids (a bank or exchange with at
     * least one active grant from the tenant); 403 for everyone else.
     */
    public Uni<Optional<Set<String>>> tenantDevices(SecurityContext security, String tenant) {
        ApiKeyPrincipal caller = caller(security);
        if (caller.role().readsEverything() || caller.belongsTo(tenant)) {
            return Uni.createFrom().item(Optional.empty());
        }
        if (!isGrantee(caller)) {
            return Uni.createFrom().failure(forbidden(caller, "tenant '" + tenant + "' is not readable by this key"));
        }
        return pool.preparedQuery("SELECT device_id FROM data_grants WHERE grantor_tenant_id = $1"
                        + " AND grantee_tenant_id = $2 AND revoked_at IS NULL")
                .execute(Tuple.of(tenant, caller.tenantId()))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw forbidden(caller, "tenant '" + tenant + "' has granted nothing to tenant '" + caller.tenantId() + "'");
                    }
                    Set<String> devices = new LinkedHashSet<>();
                    rows.forEach(row -> devices.add(row.getString(0)));
                    return Optional.of(devices);
                });
    }

    /**
     * Reading one device's data (readings, messages, status): operator and regulator keys (the
     * resource then reports a missing device itself), keys of the owning tenant, and bank or
     * exchange keys with an active grant on it. Everyone else gets 404 {@value #DEVICE_NOT_FOUND},
     * the same answer as for a device that does not exist.
     */
    public Uni<ApiKeyPrincipal> requireDeviceRead(SecurityContext security, String deviceId) {
        ApiKeyPrincipal caller = caller(security);
        if (caller.role().readsEverything()) {
            return Uni.createFrom().item(caller);
        }
        if (caller.tenantId() == null) {
            return Uni.createFrom().failure(deviceNotFound(deviceId));
        }
        return pool.preparedQuery("SELECT d.tenant_id = $2 OR EXISTS (SELECT 1 FROM data_grants g WHERE g.device_id = d.device_id"
                        + " AND g.grantee_tenant_id = $2 AND g.revoked_at IS NULL) FROM devices d WHERE d.device_id = $1")
                .execute(Tuple.of(deviceId, caller.tenantId()))
                .map(rows -> {
                    if (!visible(rows)) {
                        throw deviceNotFound(deviceId);
                    }
                    return caller;
                });
    }

    /** The devices the caller may read, for listings across devices (quarantine, alerts). */
    public DeviceScope deviceScope(ApiKeyPrincipal caller) {
        if (caller.role().readsEverything()) {
            return DeviceScope.all();
        }
        if (caller.tenantId() == null) {
            throw forbidden(caller, "this key reads no device");
        }
        return isGrantee(caller) ? new DeviceScope(DeviceScope.Kind.GRANTED_TO, caller.tenantId())
                : new DeviceScope(DeviceScope.Kind.OWNED_BY, caller.tenantId());
    }

    /** 404 {@value #DEVICE_NOT_FOUND} for {@code deviceId}: the answer for missing and invisible devices alike. */
    public static ApiException deviceNotFound(String deviceId) {
        return ApiException.notFound(DEVICE_NOT_FOUND, "no device '" + deviceId + "'", Map.of("device", deviceId));
    }

    /** 404 {@value #DEVICE_NOT_FOUND} for a device that is not in {@code tenant}. */
    public static ApiException deviceNotFoundInTenant(String tenant, String deviceId) {
        return ApiException.notFound(DEVICE_NOT_FOUND, "no device '" + deviceId + "' in tenant '" + tenant + "'",
                Map.of("tenant", tenant, "device", deviceId));
    }

    /** 403 {@value #FORBIDDEN} for {@code caller}. */
    public static ApiException forbidden(ApiKeyPrincipal caller, String why) {
        return new ApiException(403, FORBIDDEN, "this API key may not do this: " + why,
                Map.of("role", caller.role().label()));
    }

    private static boolean isGrantee(ApiKeyPrincipal caller) {
        return (caller.role() == ApiKeyRole.BANK || caller.role() == ApiKeyRole.EXCHANGE) && caller.tenantId() != null;
    }

    private static boolean visible(RowSet<Row> rows) {
        return rows.size() > 0 && Boolean.TRUE.equals(rows.iterator().next().getBoolean(0));
    }
}
