package io.sensorproof.gateway.registry;

import java.util.Locale;
import java.util.Optional;

/**
 * What kind of organisation a tenant is ({@code tenants.kind}): only factories own sites and
 * devices; banks and exchanges receive read grants; a regulator tenant names an agency.
 */
public enum TenantKind {
    FACTORY,
    BANK,
    EXCHANGE,
    REGULATOR;

    /** The stored and shown value (lower case). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind with {@code label}, if any. */
    public static Optional<TenantKind> fromLabel(String label) {
        for (TenantKind kind : values()) {
            if (kind.label().equals(label)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
