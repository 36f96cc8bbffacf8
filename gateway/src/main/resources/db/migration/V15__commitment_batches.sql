-- V15: commitment batches (issue 15, protocol §7.5): every stored reading goes into exactly one
-- depth-16 Poseidon batch whose root is anchored on chain (CommitmentBatchRuntime, PgBatchLedger).

-- Commit order of readings without touching the ingest code: ingest_xid is the 64-bit id of the
-- transaction that inserted the row (a column default, evaluated by PostgreSQL; no trigger). Every row
-- whose transaction id is below pg_snapshot_xmin(pg_current_snapshot()) belongs to a finished
-- transaction, so the batcher reads "after my cursor, below that horizon" in
-- (ingest_xid, device_id, boot, seq, record_index) order and can never skip a row that commits later.
-- Rows stored before this version read as xid 1 (a constant default: no table rewrite), below every
-- real transaction id, so they are batched first. The index costs one B-tree entry per reading on
-- insert (measured with MessageStoreThroughput, gateway/README.md "Commitment batches"); it is built
-- inside this migration's transaction (not CONCURRENTLY), which blocks writes to readings while it builds.
ALTER TABLE readings ADD COLUMN ingest_xid xid8 NOT NULL DEFAULT '1'::xid8;
ALTER TABLE readings ALTER COLUMN ingest_xid SET DEFAULT pg_current_xact_id();
CREATE INDEX readings_ingest_xid ON readings (ingest_xid);

-- One row per sealed batch. root is the tree's root (a BN254 scalar); first_time/last_time the
-- earliest and latest reading time of its readings (AnchorRegistry.anchorBatch's window);
-- window_start the earliest receipt of its readings, sealed_at when it was sealed. nodes holds every
-- non-empty node of the tree, 32 bytes each, level by level from the leaves (BatchNodes), so an
-- inclusion proof is read rather than rehashed. last_* is the commit-order position of its last
-- reading: the next batch starts after it. The anchor columns are set once, when the anchor
-- transaction's receipt is in (state ANCHORED).
CREATE TABLE commitment_batches (
    id                  bigint         GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    size                int            NOT NULL CHECK (size BETWEEN 1 AND 65536),
    root                numeric(78, 0) NOT NULL UNIQUE CHECK (root > 0),
    first_time          timestamptz    NOT NULL,
    last_time           timestamptz    NOT NULL,
    window_start        timestamptz    NOT NULL,
    sealed_at           timestamptz    NOT NULL,
    nodes               bytea          NOT NULL,
    last_xid            xid8           NOT NULL,
    last_device_id      text           NOT NULL,
    last_boot           bigint         NOT NULL,
    last_seq            bigint         NOT NULL,
    last_record_index   smallint       NOT NULL,
    state               text           NOT NULL DEFAULT 'SEALED' CHECK (state IN ('SEALED', 'ANCHORED')),
    anchor_requested_at timestamptz,
    anchor_tx_hash      text           CHECK (anchor_tx_hash ~ '^0x[0-9a-f]{64}$'),
    anchor_block        bigint         CHECK (anchor_block >= 0),
    anchor_contract     text           CHECK (anchor_contract ~ '^0x[0-9a-f]{40}$'),
    anchored_at         timestamptz,
    CHECK (first_time <= last_time),
    CHECK ((state = 'ANCHORED') = (anchor_tx_hash IS NOT NULL AND anchor_block IS NOT NULL
                                   AND anchor_contract IS NOT NULL AND anchored_at IS NOT NULL))
);
CREATE INDEX commitment_batches_awaiting_anchor ON commitment_batches (id) WHERE anchor_requested_at IS NULL;

-- Which batch holds a reading, and in which slot. The primary key is the reading's key, so the
-- database refuses a reading in two batches; the foreign key keeps a batched reading (and through
-- readings its signed message) from being deleted while its batch exists.
CREATE TABLE batch_members (
    device_id    text     NOT NULL,
    boot         bigint   NOT NULL,
    seq          bigint   NOT NULL,
    record_index smallint NOT NULL,
    batch_id     bigint   NOT NULL REFERENCES commitment_batches (id),
    leaf_index   int      NOT NULL CHECK (leaf_index BETWEEN 0 AND 65535),
    PRIMARY KEY (device_id, boot, seq, record_index),
    UNIQUE (batch_id, leaf_index),
    FOREIGN KEY (device_id, boot, seq, record_index) REFERENCES readings (device_id, boot, seq, record_index)
);
