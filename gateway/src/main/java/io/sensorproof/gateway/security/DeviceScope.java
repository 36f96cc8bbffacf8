package io.sensorproof.gateway.security;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which devices a caller may read, for listings that span devices: every device (operator,
 * regulator), the devices of one tenant (factory), or the devices currently granted to one tenant
 * (bank, exchange). {@link #condition(String)} turns it into a SQL filter on a device id column;
 * rows without a device (unauthenticated quarantine entries, device-less alerts) pass only
 * {@link Kind#ALL}.
 */
public record DeviceScope(Kind kind, String tenant) {
    /** The kinds of scope. */
    public enum Kind {
        /** Every device and every device-less row. */
        ALL,
        /** Devices owned by {@link #tenant()}. */
        OWNED_BY,
        /** Devices with an active grant to {@link #tenant()}. */
        GRANTED_TO
    }

    /** A SQL condition with {@code ?} placeholders and their values, in order. */
    public record Condition(String sql, List<Object> values) {
    }

    public DeviceScope {
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.ALL) != (tenant == null)) {
            throw new IllegalArgumentException(kind + " scope " + (tenant == null ? "needs" : "takes no") + " tenant");
        }
    }

    /** Every device. */
    public static DeviceScope all() {
        return new DeviceScope(Kind.ALL, null);
    }

    /**
     * The filter on {@code deviceColumn} (a column of device ids, possibly null), empty for
     * {@link Kind#ALL}. A null device id never passes a tenant scope.
     */
    public Optional<Condition> condition(String deviceColumn) {
        return switch (kind) {
            case ALL -> Optional.empty();
            case OWNED_BY -> Optional.of(new Condition(deviceColumn
                    + " IN (SELECT d.device_id FROM devices d WHERE d.tenant_id = ?)", List.of(tenant)));
            case GRANTED_TO -> Optional.of(new Condition(deviceColumn
                    + " IN (SELECT g.device_id FROM data_grants g WHERE g.grantee_tenant_id = ? AND g.revoked_at IS NULL)",
                    List.of(tenant)));
        };
    }
}
