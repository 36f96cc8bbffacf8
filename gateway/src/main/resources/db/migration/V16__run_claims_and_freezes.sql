-- V16: the freeze path (issue 15, ADR 024). Run claims planned for pledged lots' excursions and the
-- freezes sent with them (io.sensorproof.gateway.enforcement, oracle FreezeEnforcement).

-- One row per planned run claim. claim_id is AnchorRegistry's id of its public inputs, unique: a claim
-- is planned, proven and anchored once. A run is (lot, device, quantity, run_first_time: the device time
-- of its first reading); position is the claim's place in the run's chain, so the planner gets the
-- prior claims back in order. reading_keys are the claim's readings as [boot, seq, recordIndex] in slot
-- order (the keys the planner and the bundles use), public_inputs the nine decimal strings, arguments the
-- prover's witness arguments (so a claim stored before a crash gets its job after it). settled_by
-- and latest_arrival are the settlement (SEQUENCE: no message hole; WAIT: the settle wait passed) and the
-- arrival of the window's latest reading, against which the audit judges completeness. state becomes
-- ANCHORED when the run-claim job is confirmed or found the claim on chain already.
CREATE TABLE run_claims (
    id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    claim_id       text        NOT NULL UNIQUE CHECK (claim_id ~ '^0x[0-9a-f]{64}$'),
    lot_id         bigint      NOT NULL REFERENCES lots (id),
    device_id      text        NOT NULL REFERENCES devices (device_id),
    quantity       text        NOT NULL,
    run_first_time timestamptz NOT NULL,
    position       int         NOT NULL CHECK (position >= 0),
    reading_keys   jsonb       NOT NULL,
    public_inputs  jsonb       NOT NULL,
    arguments      jsonb       NOT NULL,
    settled_by     text        NOT NULL CHECK (settled_by IN ('SEQUENCE', 'WAIT')),
    latest_arrival timestamptz NOT NULL,
    job_id         bigint      REFERENCES oracle_jobs (id),
    state          text        NOT NULL DEFAULT 'PLANNED' CHECK (state IN ('PLANNED', 'ANCHORED')),
    anchor_tx_hash text        CHECK (anchor_tx_hash ~ '^0x[0-9a-f]{64}$'),
    anchor_block   bigint      CHECK (anchor_block >= 0),
    anchored_at    timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (lot_id, device_id, quantity, run_first_time, position),
    CHECK ((state = 'ANCHORED') = (anchored_at IS NOT NULL))
);
CREATE INDEX run_claims_run ON run_claims (lot_id, device_id, quantity, run_first_time, position);

-- One row per freeze the gateway sent (or will send): the lot, its chain facility, the quantity and the
-- runs' claim ids (one array per device, chain order). job_key is the freeze job's idempotency key
-- (facility, quantity, the runs' first claims), unique: one freeze per excursion however often it is seen.
CREATE TABLE freezes (
    id                bigint         GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    lot_id            bigint         NOT NULL REFERENCES lots (id),
    chain_facility_id numeric(78, 0) NOT NULL CHECK (chain_facility_id > 0),
    quantity          text           NOT NULL,
    runs              jsonb          NOT NULL,
    job_key           text           NOT NULL UNIQUE,
    job_id            bigint         REFERENCES oracle_jobs (id),
    state             text           NOT NULL DEFAULT 'SUBMITTED' CHECK (state IN ('SUBMITTED', 'FROZEN', 'FAILED')),
    tx_hash           text           CHECK (tx_hash ~ '^0x[0-9a-f]{64}$'),
    block_number      bigint         CHECK (block_number >= 0),
    failure_code      text,
    created_at        timestamptz    NOT NULL DEFAULT now(),
    updated_at        timestamptz    NOT NULL DEFAULT now()
);
CREATE INDEX freezes_lot ON freezes (lot_id, id);
