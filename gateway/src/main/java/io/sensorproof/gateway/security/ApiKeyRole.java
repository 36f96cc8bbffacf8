package io.sensorproof.gateway.security;

import java.util.Optional;

/**
 * What an API key may do. Only {@link #OPERATOR} (everything) exists until roles and tenant-scoped
 * keys arrive; {@code api_keys.role} holds {@link #label()}.
 */
public enum ApiKeyRole {
    /** Full access to the operator API. */
    OPERATOR("operator");

    private final String label;

    ApiKeyRole(String label) {
        this.label = label;
    }

    /** The value stored in {@code api_keys.role} and shown by the API. */
    public String label() {
        return label;
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
