package io.sensorproof.gateway.security;

import io.sensorproof.gateway.registry.TenantKind;
import java.util.Optional;

/**
 * What an API key may do (ADR 011); {@code api_keys.role} holds {@link #label()}. Operator and
 * regulator keys reach the whole platform; factory, bank and exchange keys belong to one tenant of
 * the matching {@link TenantKind}. {@link Access} turns a role into decisions.
 */
public enum ApiKeyRole {
    /** Platform administration: everything. */
    OPERATOR("operator", Scope.PLATFORM, null),
    /** Owns its tenant's sites and devices, reads their data, gives and revokes read grants. */
    FACTORY("factory", Scope.TENANT, TenantKind.FACTORY),
    /** Reads the devices currently granted to its tenant. */
    BANK("bank", Scope.TENANT, TenantKind.BANK),
    /** Reads the devices currently granted to its tenant. */
    EXCHANGE("exchange", Scope.TENANT, TenantKind.EXCHANGE),
    /** Reads everything, writes nothing; may name its agency's tenant (of kind regulator). */
    REGULATOR("regulator", Scope.PLATFORM_OPTIONAL_TENANT, TenantKind.REGULATOR);

    /** Whether keys of a role carry a tenant. */
    public enum Scope {
        /** Never a tenant. */
        PLATFORM,
        /** Always a tenant. */
        TENANT,
        /** Platform-wide reach, optionally labelled with a tenant. */
        PLATFORM_OPTIONAL_TENANT
    }

    private final String label;
    private final Scope scope;
    private final TenantKind tenantKind;

    ApiKeyRole(String label, Scope scope, TenantKind tenantKind) {
        this.label = label;
        this.scope = scope;
        this.tenantKind = tenantKind;
    }

    /** The value stored in {@code api_keys.role} and shown by the API. */
    public String label() {
        return label;
    }

    /** Whether keys of this role carry a tenant. */
    public Scope scope() {
        return scope;
    }

    /** The kind a key's tenant must have, when the key has one. */
    public Optional<TenantKind> tenantKind() {
        return Optional.ofNullable(tenantKind);
    }

    /** True for operator and regulator: they read every tenant's data. */
    public boolean readsEverything() {
        return this == OPERATOR || this == REGULATOR;
    }

    /** The role with {@code label}, if any. */
    public static Optional<ApiKeyRole> fromLabel(String label) {
        for (ApiKeyRole role : values()) {
            if (role.label.equals(label)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}
