-- V11: the rules engine's state per device (issue 14, CollateralWatch).
-- snapshot is RuleEngine.snapshot(device) after the last evaluation, written in the same transaction
-- as the collateral alert changes it produced, under pg_advisory_xact_lock(CollateralWatch.LOCK_CLASS,
-- key of the device), so replicas never interleave evaluations of one device. position is the largest
-- received_at of the readings evaluated so far: after a restart (or a queue overflow) the device's
-- readings received from position minus a margin are read again (the engine ignores repeats).
-- lot_id and terms_version say which terms the snapshot's rules came from; a snapshot of another lot
-- is discarded.
CREATE TABLE rule_state (
    device_id     text        PRIMARY KEY REFERENCES devices (device_id),
    lot_id        bigint      NOT NULL REFERENCES lots (id),
    terms_version int         NOT NULL,
    snapshot      bytea       NOT NULL,
    position      timestamptz,
    updated_at    timestamptz NOT NULL DEFAULT now()
);
