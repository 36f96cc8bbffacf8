-- V9: webhook endpoints, their signing secrets, the delivery outbox and the attempt history
-- (issue 14; io.sensorproof.gateway.persistence.PgWebhookOutbox, core in
-- io.sensorproof.gateway.core.webhooks).

-- An endpoint registered by a tenant. The lease columns hold the one delivery in flight for the
-- endpoint (claimed by a dispatcher of some replica until lease_until); last_claimed_at orders
-- endpoints round-robin when more are due than a dispatcher has free slots.
CREATE TABLE webhook_endpoints (
    id                text        PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_.:-]{1,128}$'),
    tenant_id         text        NOT NULL REFERENCES tenants (id),
    url               text        NOT NULL CHECK (length(url) <= 2048),
    enabled           boolean     NOT NULL DEFAULT true,
    created_at        timestamptz NOT NULL DEFAULT now(),
    lease_token       uuid,
    lease_until       timestamptz,
    lease_delivery_id bigint,
    last_claimed_at   timestamptz
);
CREATE INDEX webhook_endpoints_tenant ON webhook_endpoints (tenant_id);

-- Signing secrets (whsec_ + base64), several during a rotation's overlap. They must be readable to
-- sign, so they are stored as given: database access is access to them (as for any HMAC sender).
-- valid_until NULL means open-ended.
CREATE TABLE webhook_secrets (
    endpoint_id text        NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    secret      text        NOT NULL CHECK (secret LIKE 'whsec\_%'),
    valid_from  timestamptz NOT NULL,
    valid_until timestamptz CHECK (valid_until IS NULL OR valid_until > valid_from),
    PRIMARY KEY (endpoint_id, secret)
);

-- One row per (endpoint, event): the event id is the webhook-id of every attempt.
CREATE TABLE webhook_deliveries (
    id              bigserial   PRIMARY KEY,
    endpoint_id     text        NOT NULL REFERENCES webhook_endpoints (id),
    event_id        text        NOT NULL CHECK (event_id ~ '^[A-Za-z0-9_.:-]{1,128}$'),
    body            bytea       NOT NULL,
    state           text        NOT NULL DEFAULT 'PENDING' CHECK (state IN ('PENDING', 'DELIVERED', 'DEAD')),
    attempts        integer     NOT NULL DEFAULT 0,
    enqueued_at     timestamptz NOT NULL,
    next_attempt_at timestamptz NOT NULL,
    last_status     integer,
    last_error      text,
    delivered_at    timestamptz,
    UNIQUE (endpoint_id, event_id)
);
-- the claim's "oldest due delivery of this endpoint"
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (endpoint_id, next_attempt_at, id) WHERE state = 'PENDING';

-- Every attempt, for the endpoint's delivery history.
CREATE TABLE webhook_attempts (
    delivery_id bigint      NOT NULL REFERENCES webhook_deliveries (id),
    attempt     integer     NOT NULL,
    endpoint_id text        NOT NULL,
    event_id    text        NOT NULL,
    started_at  timestamptz NOT NULL,
    latency_ms  bigint      NOT NULL,
    status      integer,
    error       text,
    detail      text        NOT NULL,
    state_after text        NOT NULL CHECK (state_after IN ('PENDING', 'DELIVERED', 'DEAD')),
    PRIMARY KEY (delivery_id, attempt)
);
CREATE INDEX webhook_attempts_endpoint ON webhook_attempts (endpoint_id, started_at DESC);
