-- V10: lots (pledged inventory) with their bank's freeze terms, emissions facilities, and the
-- collateral alerts store with its event table (issue 14).

-- A lot: a factory's pledged goods at one of its sites, watched by its devices, financed by a bank
-- tenant. chain_facility_id is the on-chain CollateralFinancing facility (uint256), linked later by
-- the oracle. Terms live in lot_watches (none until the bank sets them). Closed lots are kept.
CREATE TABLE lots (
    id                bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    factory_tenant_id text        NOT NULL REFERENCES tenants (id),
    site_id           text        NOT NULL,
    bank_tenant_id    text        NOT NULL REFERENCES tenants (id),
    name              text        NOT NULL,
    chain_facility_id numeric(78, 0) CHECK (chain_facility_id > 0),
    terms_version     int         NOT NULL DEFAULT 0,
    terms_set_at      timestamptz,
    terms_set_by      bigint      REFERENCES api_keys (id),
    created_at        timestamptz NOT NULL DEFAULT now(),
    created_by        bigint      REFERENCES api_keys (id),
    closed_at         timestamptz,
    closed_by         bigint      REFERENCES api_keys (id),
    FOREIGN KEY (factory_tenant_id, site_id) REFERENCES sites (tenant_id, site_id),
    CHECK (factory_tenant_id <> bank_tenant_id)
);
CREATE INDEX lots_factory ON lots (factory_tenant_id, id);
CREATE INDEX lots_bank ON lots (bank_tenant_id, id);

-- The devices of a lot. grant_id is the read grant the lot gave its bank (revoked when the lot
-- closes); null when the bank already held an active grant on the device, which the lot then leaves
-- alone. lot_open mirrors lots.closed_at IS NULL so that the partial unique index can refuse a device
-- in two open lots, race-free.
CREATE TABLE lot_devices (
    lot_id    bigint  NOT NULL REFERENCES lots (id),
    device_id text    NOT NULL REFERENCES devices (device_id),
    grant_id  bigint  REFERENCES data_grants (id),
    lot_open  boolean NOT NULL DEFAULT true,
    PRIMARY KEY (lot_id, device_id)
);
CREATE UNIQUE INDEX lot_devices_one_open_lot ON lot_devices (device_id) WHERE lot_open;

-- The bank's terms, one watch per quantity (CollateralFinancing's Watch): lo/hi fixed-point as
-- stored (protocol §7.2), durations in milliseconds. Replaced as a whole on every terms change.
CREATE TABLE lot_watches (
    lot_id               bigint   NOT NULL REFERENCES lots (id),
    quantity             text     NOT NULL,
    lo                   bigint   NOT NULL,
    hi                   bigint   NOT NULL,
    min_duration_ms      bigint   NOT NULL CHECK (min_duration_ms > 0),
    max_gap_ms           bigint   NOT NULL CHECK (max_gap_ms > 0),
    sampling_interval_ms bigint   NOT NULL CHECK (sampling_interval_ms > 0),
    max_age_ms           bigint   NOT NULL CHECK (max_age_ms > 0),
    k                    int      NOT NULL CHECK (k >= 1),
    PRIMARY KEY (lot_id, quantity),
    CHECK (lo <= hi),
    CHECK (max_gap_ms < 2 * sampling_interval_ms)
);

-- An emissions facility: a factory's register devices, the exchange tenant that lists its credits,
-- and the verifier's terms (CarbonCredit.setPeriod): baseline per period, period calendar (a rule,
-- e.g. MONTHLY_UTC), maxGap, substitute rate.
CREATE TABLE emission_facilities (
    id                           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    factory_tenant_id            text        NOT NULL REFERENCES tenants (id),
    exchange_tenant_id           text        NOT NULL REFERENCES tenants (id),
    name                         text        NOT NULL,
    chain_facility_id            numeric(78, 0) CHECK (chain_facility_id > 0),
    baseline_kg                  bigint      NOT NULL CHECK (baseline_kg >= 0),
    calendar                     text        NOT NULL CHECK (calendar IN ('MONTHLY_UTC')),
    max_gap_ms                   bigint      NOT NULL CHECK (max_gap_ms > 0),
    substitute_rate_kg_per_hour  bigint      NOT NULL CHECK (substitute_rate_kg_per_hour > 0),
    terms_version                int         NOT NULL DEFAULT 1,
    terms_set_at                 timestamptz NOT NULL DEFAULT now(),
    terms_set_by                 bigint      REFERENCES api_keys (id),
    created_at                   timestamptz NOT NULL DEFAULT now(),
    created_by                   bigint      REFERENCES api_keys (id)
);
CREATE INDEX emission_facilities_factory ON emission_facilities (factory_tenant_id, id);
CREATE INDEX emission_facilities_exchange ON emission_facilities (exchange_tenant_id, id);

CREATE TABLE emission_facility_devices (
    facility_id bigint NOT NULL REFERENCES emission_facilities (id),
    device_id   text   NOT NULL REFERENCES devices (device_id),
    PRIMARY KEY (facility_id, device_id)
);

-- Collateral alerts (not the operator alerts of V1): one row per alert of a rule on a lot's device
-- and quantity (empty text for device-wide rules), at most one unresolved per such tuple.
CREATE TABLE collateral_alerts (
    id                  bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    lot_id              bigint      NOT NULL REFERENCES lots (id),
    device_id           text        NOT NULL REFERENCES devices (device_id),
    quantity            text        NOT NULL DEFAULT '',
    rule                text        NOT NULL CHECK (rule ~ '^[A-Z][A-Z0-9_]{0,63}$'),
    state               text        NOT NULL CHECK (state IN ('OPEN', 'ACKNOWLEDGED', 'RESOLVED')),
    first_out_of_range  timestamptz,
    last_out_of_range   timestamptz,
    run_first           timestamptz,
    run_last            timestamptz,
    evidence            jsonb       NOT NULL DEFAULT '[]'::jsonb,
    opened_at           timestamptz NOT NULL,
    opened_by           text        NOT NULL,
    updated_at          timestamptz NOT NULL,
    acknowledged_at     timestamptz,
    acknowledged_by     bigint      REFERENCES api_keys (id),
    resolved_at         timestamptz,
    resolved_by         text,
    CHECK ((state = 'RESOLVED') = (resolved_at IS NOT NULL))
);
CREATE UNIQUE INDEX collateral_alerts_one_unresolved ON collateral_alerts (lot_id, device_id, quantity, rule)
    WHERE state <> 'RESOLVED';
CREATE INDEX collateral_alerts_lot ON collateral_alerts (lot_id, id);

-- One event per alert change, written in the same transaction as the change; the id is the SSE event
-- id (Last-Event-ID). Writers take a transaction-scoped advisory lock before inserting, so events
-- commit in id order and a reader that has seen id N never later finds a smaller id appearing
-- (PgCollateralAlerts.EVENT_LOCK). Visible to the lot's factory and bank tenants.
CREATE TABLE alert_events (
    id                bigserial   PRIMARY KEY,
    alert_id          bigint      NOT NULL REFERENCES collateral_alerts (id),
    lot_id            bigint      NOT NULL REFERENCES lots (id),
    factory_tenant_id text        NOT NULL,
    bank_tenant_id    text        NOT NULL,
    type              text        NOT NULL CHECK (type IN ('OPENED', 'UPDATED', 'ACKNOWLEDGED', 'RESOLVED')),
    alert             jsonb       NOT NULL,
    occurred_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alert_events_factory ON alert_events (factory_tenant_id, id);
CREATE INDEX alert_events_bank ON alert_events (bank_tenant_id, id);
