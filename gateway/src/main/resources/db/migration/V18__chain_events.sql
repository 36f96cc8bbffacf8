-- V18: the deployed contracts' events read back from the chain (issue 15, ADR 026;
-- io.sensorproof.oracle.events.LogFollower, io.sensorproof.gateway.chain.PgChainEvents).
--
-- chain_events: every decoded event of CollateralFinancing, CarbonCredit and AnchorRegistry the follower
-- read, kept when the chain loses its block (removed = true: the chain no longer has it; a re-read of the
-- same log in the same block clears the flag). A log is identified by (transaction, log index, block
-- hash): the same transaction re-mined in another block is another row. subjects are what the event is
-- about (collateral:<facility id>, carbon:<facility id>, registry): the projections of a subject are
-- recomputed from its live events whenever one is added or removed. A followed event that did not decode
-- is kept with event = 'UNDECODABLE' and the reason and raw log in args.
CREATE TABLE chain_events (
    id           bigserial   PRIMARY KEY,
    contract     text        NOT NULL,
    event        text        NOT NULL,
    block_number bigint      NOT NULL CHECK (block_number >= 0),
    block_hash   text        NOT NULL CHECK (block_hash ~ '^0x[0-9a-f]{64}$'),
    tx_hash      text        NOT NULL CHECK (tx_hash ~ '^0x[0-9a-f]{64}$'),
    log_index    bigint      NOT NULL CHECK (log_index >= 0),
    subjects     text[]      NOT NULL,
    args         jsonb       NOT NULL,
    removed      boolean     NOT NULL DEFAULT false,
    read_at      timestamptz NOT NULL DEFAULT now(),
    removed_at   timestamptz,
    UNIQUE (tx_hash, log_index, block_hash)
);
CREATE INDEX chain_events_block ON chain_events (block_number) WHERE NOT removed;
CREATE INDEX chain_events_subjects ON chain_events USING gin (subjects);

-- chain_cursor: one row per follower; the last block read (number and hash). The follower locks its row
-- FOR UPDATE SKIP LOCKED for the whole step, so one replica at a time follows and a step's events, its
-- projections and the cursor commit together.
CREATE TABLE chain_cursor (
    follower     text        PRIMARY KEY,
    block_number bigint      CHECK (block_number >= 0),
    block_hash   text        CHECK (block_hash ~ '^0x[0-9a-f]{64}$'),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CHECK ((block_number IS NULL) = (block_hash IS NULL))
);
INSERT INTO chain_cursor (follower) VALUES ('contracts');

-- chain_checkpoints: blocks the follower read up to (range ends): with the live events' blocks, the
-- candidates for the newest block a reorganised or truncated chain still has.
CREATE TABLE chain_checkpoints (
    block_number bigint PRIMARY KEY CHECK (block_number >= 0),
    block_hash   text   NOT NULL CHECK (block_hash ~ '^0x[0-9a-f]{64}$')
);

-- Projections, recomputed per subject from the live events (never just appended):
-- a CollateralFinancing facility as the chain says (PROPOSED / ACTIVE / FROZEN / UNKNOWN), view =
-- io.sensorproof.oracle.events.CollateralFacilityState as JSON.
CREATE TABLE chain_collateral_facilities (
    facility_id  numeric(78, 0) PRIMARY KEY,
    state        text        NOT NULL CHECK (state IN ('PROPOSED', 'ACTIVE', 'FROZEN', 'UNKNOWN')),
    frozen       boolean     NOT NULL,
    last_tx      text,
    last_block   bigint,
    view         jsonb       NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- A CarbonCredit period: state (OPEN / CLOSED / VOIDED / MINTED), units minted, held and retired, view =
-- CarbonFacilityState.Period as JSON (close, void with its reason, mint with its transaction, holders,
-- retirements).
CREATE TABLE chain_carbon_periods (
    facility_id  numeric(78, 0) NOT NULL,
    period_id    numeric(78, 0) NOT NULL,
    token_id     numeric(78, 0) NOT NULL,
    state        text        NOT NULL CHECK (state IN ('OPEN', 'CLOSED', 'VOIDED', 'MINTED')),
    minted       numeric(78, 0),
    held         numeric(78, 0) NOT NULL,
    retired      numeric(78, 0) NOT NULL,
    view         jsonb       NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (facility_id, period_id)
);

-- Alert events for a lot frozen or unfrozen on chain (PgChainEvents writes them under
-- PgCollateralAlerts.EVENT_LOCK like every alert_events writer). The type list becomes a format check,
-- so that the issue-15 helpers' new event types (claims, freezes, chain state) do not have to rewrite
-- one shared list in three migrations.
ALTER TABLE alert_events DROP CONSTRAINT IF EXISTS alert_events_type_check;
ALTER TABLE alert_events ADD CONSTRAINT alert_events_type_check CHECK (type ~ '^[A-Z][A-Z_]{0,31}$');
