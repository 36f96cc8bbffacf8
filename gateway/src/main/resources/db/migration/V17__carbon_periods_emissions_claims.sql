-- V17: the carbon path (issue 15 "Claims", "Freeze and mint"; io.sensorproof.gateway.carbon, ADR 025).
--
-- carbon_periods: the CarbonCredit periods of a linked emissions facility as the gateway knows them,
-- copied from the chain (period(f,p), periodDevices) when first seen, with the gateway's view of its
-- state and the close and mint jobs (one each, ever: their idempotency keys are per period).
CREATE TABLE carbon_periods (
    facility_id                  bigint         NOT NULL REFERENCES emission_facilities (id),
    chain_facility_id            numeric(78, 0) NOT NULL CHECK (chain_facility_id > 0),
    period_id                    bigint         NOT NULL CHECK (period_id > 0),
    start_seconds                bigint         NOT NULL,
    end_seconds                  bigint         NOT NULL CHECK (end_seconds > start_seconds),
    baseline_kg                  bigint         NOT NULL CHECK (baseline_kg >= 0),
    max_gap_ms                   bigint         NOT NULL CHECK (max_gap_ms > 0),
    substitute_rate_kg_per_hour  bigint         NOT NULL CHECK (substitute_rate_kg_per_hour > 0),
    devices                      text[]         NOT NULL,
    state                        text           NOT NULL CHECK (state IN ('OPEN', 'CLOSABLE', 'CLOSED', 'MINTED', 'VOIDED')),
    close_job_id                 bigint         REFERENCES oracle_jobs (id),
    mint_job_id                  bigint         REFERENCES oracle_jobs (id),
    minted_amount                numeric(78, 0),
    created_at                   timestamptz    NOT NULL DEFAULT now(),
    updated_at                   timestamptz    NOT NULL DEFAULT now(),
    PRIMARY KEY (facility_id, period_id),
    UNIQUE (chain_facility_id, period_id)
);

-- carbon_period_devices: where each device's claim chain stands (the planner's status, or why
-- planning refused the device's readings: kept, never dropped, until the next round plans again).
CREATE TABLE carbon_period_devices (
    facility_id     bigint      NOT NULL,
    period_id       bigint      NOT NULL,
    device_id       text        NOT NULL REFERENCES devices (device_id),
    plan_status     text        CHECK (plan_status IN ('OPEN', 'WAITING_SETTLEMENT', 'COMPLETE', 'NOTHING_TO_CLAIM')),
    refusal_code    text,
    refusal_message text,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (facility_id, period_id, device_id),
    FOREIGN KEY (facility_id, period_id) REFERENCES carbon_periods (facility_id, period_id)
);

-- emissions_claims: one row per planned claim, in chain order per device (chain_index from 0). The
-- row is written before its anchor job is enqueued; a round enqueues (idempotently) the anchor job of
-- every row that has none, so a crash between the two never loses a claim and never plans it twice.
CREATE TABLE emissions_claims (
    claim_id        text        PRIMARY KEY CHECK (claim_id ~ '^0x[0-9a-f]{64}$'),
    facility_id     bigint      NOT NULL,
    period_id       bigint      NOT NULL,
    device_id       text        NOT NULL REFERENCES devices (device_id),
    chain_index     integer     NOT NULL CHECK (chain_index >= 0),
    reading_keys    jsonb       NOT NULL,
    public_inputs   jsonb       NOT NULL,
    settlement      jsonb       NOT NULL,
    anchor_job_id   bigint      REFERENCES oracle_jobs (id),
    submit_job_id   bigint      REFERENCES oracle_jobs (id),
    state           text        NOT NULL CHECK (state IN ('PLANNED', 'ANCHORED', 'SUBMITTED', 'FAILED')),
    proof           jsonb,
    anchor_tx       text,
    submit_tx       text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (facility_id, period_id, device_id, chain_index),
    FOREIGN KEY (facility_id, period_id) REFERENCES carbon_periods (facility_id, period_id)
);
