-- V14: the oracle's durable jobs and nonce allocation (issue 15; io.sensorproof.oracle.jobs,
-- io.sensorproof.gateway.oracle.PgJobStore, ADR 022).
--
-- oracle_accounts: one row per signing account; the next nonce is allocated under this row's lock
-- (SELECT ... FOR UPDATE) in the same transaction that stores the job's signed transaction, so two
-- replicas sharing an account never sign two transactions with one nonce and no nonce is allocated
-- without its transaction (no gap).
CREATE TABLE oracle_accounts (
    address    text   PRIMARY KEY CHECK (address ~ '^0x[0-9a-f]{40}$'),
    next_nonce bigint NOT NULL CHECK (next_nonce >= 0)
);

-- oracle_jobs: one row per on-chain action. idempotency_key makes enqueueing idempotent. A job is
-- claimed with FOR UPDATE SKIP LOCKED and a lease (lease_owner, lease_until); the tx_* columns hold
-- the one signed transaction of the job, written before it is broadcast and never replaced.
CREATE TABLE oracle_jobs (
    id               bigserial   PRIMARY KEY,
    kind             text        NOT NULL,
    idempotency_key  text        NOT NULL UNIQUE,
    payload          jsonb       NOT NULL,
    state            text        NOT NULL CHECK (state IN ('ASSEMBLED', 'PROVED', 'SELF_VERIFIED', 'SUBMITTED',
                                                           'CONFIRMED', 'FAILED')),
    attempts         integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at  timestamptz NOT NULL,
    lease_owner      text,
    lease_until      timestamptz,
    proof            jsonb,
    tx_account       text        REFERENCES oracle_accounts (address),
    tx_nonce         bigint      CHECK (tx_nonce >= 0),
    tx_raw           text,
    tx_hash          text,
    block_number     bigint,
    block_hash       text,
    confirmations    integer     NOT NULL DEFAULT 0,
    result           jsonb,
    failure_code     text,
    failure_message  text,
    last_error       text,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    CHECK ((tx_account IS NULL) = (tx_nonce IS NULL) AND (tx_nonce IS NULL) = (tx_raw IS NULL)
           AND (tx_raw IS NULL) = (tx_hash IS NULL)),
    CHECK (state NOT IN ('SUBMITTED', 'CONFIRMED') OR tx_hash IS NOT NULL),
    CHECK ((state = 'FAILED') = (failure_code IS NOT NULL)),
    UNIQUE (tx_account, tx_nonce)
);

-- the claim's scan: unfinished jobs by due time
CREATE INDEX oracle_jobs_due ON oracle_jobs (next_attempt_at, id) WHERE state NOT IN ('CONFIRMED', 'FAILED');
