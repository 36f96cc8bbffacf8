-- V6: tenant kinds, tenant-scoped API keys, sites, data grants and the audit log (ADR 011).

-- What kind of organisation a tenant is. Existing tenants own devices, so they are factories.
-- Only factories own sites and devices; banks and exchanges receive read grants; a regulator
-- tenant only names the agency its keys belong to.
ALTER TABLE tenants
    ADD COLUMN kind text NOT NULL DEFAULT 'factory' CHECK (kind IN ('factory', 'bank', 'exchange', 'regulator'));

-- Keys of the roles factory, bank and exchange belong to one tenant; operator keys to none; a
-- regulator key may name its agency's tenant (its reach is the whole platform either way). The
-- API checks that the role matches the tenant's kind.
ALTER TABLE api_keys
    ADD COLUMN tenant_id text REFERENCES tenants (id),
    ADD CONSTRAINT api_keys_tenant_scope CHECK (
        (role IN ('factory', 'bank', 'exchange') AND tenant_id IS NOT NULL)
        OR (role = 'operator' AND tenant_id IS NULL)
        OR role NOT IN ('factory', 'bank', 'exchange', 'operator'));
CREATE INDEX api_keys_tenant ON api_keys (tenant_id) WHERE tenant_id IS NOT NULL;

-- Sites (plants, warehouses, cold rooms) of a factory; ids are unique within the tenant.
CREATE TABLE sites (
    tenant_id  text        NOT NULL REFERENCES tenants (id),
    site_id    text        NOT NULL CHECK (site_id ~ '^[a-z0-9][a-z0-9._-]{0,30}$'),
    name       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, site_id)
);

-- A device may sit at a site of its own tenant: the composite foreign key makes a site of another
-- tenant impossible.
ALTER TABLE devices
    ADD COLUMN site_id text,
    ADD CONSTRAINT devices_site FOREIGN KEY (tenant_id, site_id) REFERENCES sites (tenant_id, site_id);
CREATE INDEX devices_tenant_site ON devices (tenant_id, site_id) WHERE site_id IS NOT NULL;

-- Read grants: a factory (grantor) lets a bank or exchange (grantee) read one of its devices
-- (pledged goods). Rows are never deleted: revocation sets revoked_at, so the history of who could
-- read what, and when, stays. At most one active grant per grantee and device. An active grant
-- opens the device's whole history (readings, messages, status, alerts, authenticated quarantine
-- entries); revocation closes it at once.
CREATE TABLE data_grants (
    id                bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    grantor_tenant_id text        NOT NULL REFERENCES tenants (id),
    grantee_tenant_id text        NOT NULL REFERENCES tenants (id),
    device_id         text        NOT NULL REFERENCES devices (device_id),
    note              text,
    granted_at        timestamptz NOT NULL DEFAULT now(),
    granted_by        bigint      REFERENCES api_keys (id),
    revoked_at        timestamptz,
    revoked_by        bigint      REFERENCES api_keys (id),
    CHECK (grantor_tenant_id <> grantee_tenant_id),
    CHECK (revoked_at IS NULL OR revoked_at >= granted_at)
);
CREATE UNIQUE INDEX data_grants_active ON data_grants (grantee_tenant_id, device_id) WHERE revoked_at IS NULL;
CREATE INDEX data_grants_grantor ON data_grants (grantor_tenant_id, id);
CREATE INDEX data_grants_grantee ON data_grants (grantee_tenant_id, id);

-- Audit log of administrative actions: who (the API key's id, label, role and tenant at the time;
-- no key id for the gateway itself), what, on which tenant and subject, with a JSON detail. Written
-- in the transaction of the action it records. Append-only: the triggers refuse UPDATE, DELETE and
-- TRUNCATE, so not even the gateway's own database user can rewrite history without dropping them
-- (a privileged act that a database audit would show).
CREATE TABLE audit_log (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at     timestamptz NOT NULL DEFAULT now(),
    actor_key_id    bigint,
    actor_label     text        NOT NULL,
    actor_role      text        NOT NULL,
    actor_tenant_id text,
    action          text        NOT NULL CHECK (action ~ '^[A-Z][A-Z0-9_]{0,63}$'),
    tenant_id       text,
    subject         text,
    detail          jsonb       NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_tenant ON audit_log (tenant_id, id);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
