package io.sensorproof.gateway.audit;

/** What an audit entry records ({@code audit_log.action}); the names are stable codes. */
public enum AuditAction {
    TENANT_CREATED,
    SITE_CREATED,
    DEVICE_REGISTERED,
    DEVICE_STATUS_CHANGED,
    API_KEY_CREATED,
    API_KEY_REVOKED,
    GRANT_GIVEN,
    GRANT_REVOKED,
    ENROLLMENT_TOKEN_ISSUED,
    DEVICE_ENROLLED,
    CERTIFICATE_RENEWED,
    DEVICE_REKEYED,
    DEVICE_CA_ROTATED,
    TRANSPORT_KEY_SET,
    TRANSPORT_KEY_REMOVED
}
