-- V1: registry, ingestion and operations tables of the gateway.
-- Identifiers follow io.sensorproof.protocol.ids.Identifiers: 1-31 of a-z 0-9 . _ -, starting
-- with a letter or digit. Times are timestamptz (UTC instants).

CREATE TABLE tenants (
    id         text        PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9._-]{0,30}$'),
    name       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Device ids are unique across the deployment, not per tenant: the circuits identify a device by
-- its id alone. kid (COSE key id) is how a message finds its device and key.
CREATE TABLE devices (
    device_id  text        PRIMARY KEY CHECK (device_id ~ '^[a-z0-9][a-z0-9._-]{0,30}$'),
    tenant_id  text        NOT NULL REFERENCES tenants (id),
    kid        bytea       NOT NULL UNIQUE,
    spki       bytea       NOT NULL,
    alg        text        NOT NULL CHECK (alg IN ('ES256', 'EdDSA', 'SM2-SM3')),
    status     text        NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'SUSPENDED', 'REVOKED')),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX devices_tenant ON devices (tenant_id);

-- API keys are stored as hashes only; role values are defined by the API (checked there).
CREATE TABLE api_keys (
    id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key_hash   bytea       NOT NULL UNIQUE,
    label      text        NOT NULL,
    role       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);

-- One row per accepted signed message. The primary key (device_id, boot, seq) is the idempotency
-- key of ingestion: a redelivered message conflicts here and is acknowledged again without being
-- stored twice. Unpartitioned on purpose, so that this key is enforced across all time. raw keeps
-- the signed bytes for audit replay.
CREATE TABLE messages (
    device_id      text        NOT NULL REFERENCES devices (device_id),
    boot           bigint      NOT NULL CHECK (boot >= 0),
    seq            bigint      NOT NULL CHECK (seq >= 0),
    content_digest bytea       NOT NULL,
    raw            bytea       NOT NULL,
    topic          text,
    received_at    timestamptz NOT NULL,
    device_time    timestamptz,
    skew_ms        bigint,
    record_count   int         NOT NULL CHECK (record_count >= 0),
    PRIMARY KEY (device_id, boot, seq)
);

-- Readings: one row per SenML record of a message; value is the fixed-point encoding of
-- io.sensorproof.protocol.encoding.FixedPoint.
--
-- Partitioning decision (V1): NOT partitioned; a B-tree on (device_id, quantity, reading_time)
-- serves the rules and the oracle's per-device time-range scans, and a BRIN on received_at serves
-- "what arrived in this window" at almost no write cost. Reasons:
--  * A partitioned table's primary key must contain the partition key, so the key
--    (device_id, boot, seq, record_index) and an exact foreign key to messages would have to grow a
--    time column.
--  * reading_time comes from the device clock (skewed, late backlog after an outage), so
--    partitions by it would receive rows far outside "current" ranges and need a default
--    partition, which blocks attaching new partitions once it holds matching rows.
--  * At standalone volumes (thousands of readings per second) one indexed table stays fast for
--    hundreds of millions of rows; the benefit of partitions is cheap retention (DROP PARTITION).
-- When retention or size needs it, a later migration can switch to RANGE partitions on
-- received_at (gateway clock, monotonic enough) with the primary key extended by received_at;
-- uniqueness per record still follows from the messages key, since readings are only inserted in
-- the transaction that inserts their message.
CREATE TABLE readings (
    device_id    text        NOT NULL,
    boot         bigint      NOT NULL,
    seq          bigint      NOT NULL,
    record_index smallint    NOT NULL CHECK (record_index >= 0),
    quantity     smallint    NOT NULL CHECK (quantity > 0),
    value        bigint      NOT NULL,
    reading_time timestamptz NOT NULL,
    received_at  timestamptz NOT NULL,
    late         boolean     NOT NULL DEFAULT false,
    PRIMARY KEY (device_id, boot, seq, record_index),
    FOREIGN KEY (device_id, boot, seq) REFERENCES messages (device_id, boot, seq)
);
CREATE INDEX readings_device_quantity_time ON readings (device_id, quantity, reading_time);
CREATE INDEX readings_received_at_brin ON readings USING brin (received_at);

-- Everything ingestion rejects, with its reason and raw bytes, so nothing is silently dropped.
-- claimed_device is what the message claimed (unverified), hence no foreign key.
CREATE TABLE quarantine (
    id             bigserial   PRIMARY KEY,
    reason         text        NOT NULL,
    raw            bytea,
    claimed_device text,
    topic          text,
    source         text        NOT NULL,
    received_at    timestamptz NOT NULL DEFAULT now(),
    detail         text
);
CREATE INDEX quarantine_reason_received ON quarantine (reason, received_at);

-- Alerts for people running the gateway (clock skew, replay attempts, suspended devices...).
CREATE TABLE operator_alerts (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind            text        NOT NULL,
    device_id       text,
    detail          jsonb       NOT NULL DEFAULT '{}'::jsonb,
    raised_at       timestamptz NOT NULL DEFAULT now(),
    acknowledged_at timestamptz
);
CREATE INDEX operator_alerts_open ON operator_alerts (raised_at) WHERE acknowledged_at IS NULL;
