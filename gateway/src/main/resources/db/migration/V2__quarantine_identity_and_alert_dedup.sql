-- V2: what the ingest ports hand over beyond V1's columns.

-- Quarantine: whether claimed_device is proven (the signature verified with that device's key) or
-- only what the sender wrote, and the message's kid, boot and seq when it decoded that far. An
-- operator reviewing or releasing quarantined messages needs these; deriving them again from raw
-- would mean re-running the pipeline's decoding.
ALTER TABLE quarantine
    ADD COLUMN authenticated boolean NOT NULL DEFAULT false,
    ADD COLUMN kid           bytea,
    ADD COLUMN boot          bigint CHECK (boot >= 0),
    ADD COLUMN seq           bigint CHECK (seq >= 0);
CREATE INDEX quarantine_authenticated_device ON quarantine (claimed_device, boot, seq) WHERE authenticated;

-- Conflicting duplicates: at most one open alert per (device, boot, seq, received digest). A
-- captured conflicting message verifies, so anyone can replay it; repeats update the open alert
-- (occurrences, last seen) instead of adding rows.
CREATE UNIQUE INDEX operator_alerts_open_conflict ON operator_alerts
    (device_id, (detail ->> 'boot'), (detail ->> 'seq'), (detail ->> 'receivedDigest'))
    WHERE kind = 'CONFLICTING_DUPLICATE' AND acknowledged_at IS NULL;
