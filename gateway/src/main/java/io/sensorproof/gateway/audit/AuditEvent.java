package io.sensorproof.gateway.audit;

import io.sensorproof.gateway.security.ApiKeyPrincipal;
import java.util.Map;
import java.util.Objects;

/**
 * One administrative action to append to the audit log: who did it, what, to which tenant and
 * subject (a device id, key id, grant id...), and details as JSON-serialisable values.
 */
public record AuditEvent(Actor actor, AuditAction action, String tenantId, String subject, Map<String, Object> detail) {
    /**
     * Who acted: an API key (id, label, role, tenant at the time) or the gateway itself (no key id).
     */
    public record Actor(Long keyId, String label, String role, String tenantId) {
        /** Role recorded for actions of the gateway itself (the bootstrap key, migrations of state). */
        public static final String SYSTEM_ROLE = "system";

        public Actor {
            Objects.requireNonNull(label, "label");
            Objects.requireNonNull(role, "role");
        }

        /** The caller of an API request. */
        public static Actor of(ApiKeyPrincipal caller) {
            return new Actor(caller.keyId(), caller.label(), caller.role().label(), caller.tenantId());
        }

        /** The gateway itself, described by {@code label}. */
        public static Actor system(String label) {
            return new Actor(null, label, SYSTEM_ROLE, null);
        }
    }

    public AuditEvent {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        detail = detail == null ? Map.of() : Map.copyOf(detail);
    }

    /** An event by the caller of an API request. */
    public static AuditEvent by(ApiKeyPrincipal caller, AuditAction action, String tenantId, String subject,
            Map<String, Object> detail) {
        return new AuditEvent(Actor.of(caller), action, tenantId, subject, detail);
    }
}
