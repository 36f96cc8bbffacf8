-- V13: tamper evidence for the rules engine (issue 14, ADR 021 "Update 2026-12-03").
-- One row per refusal that proves something about a device: a conflicting duplicate, or a message whose
-- signature verified under a revoked key of the device and that was signed after the revocation
-- (IngestPipeline, TamperReport). PgQuarantine writes it in the same transaction as the message's
-- quarantine row, so evidence exists exactly when its message is kept, and a crash cannot lose it.
-- The unique key makes a replay of the same message the same evidence. evaluated_at is null until
-- CollateralWatch counted it (or found no lot terms that cover it) under the device's evaluation lock,
-- in the same transaction as the rule_state snapshot and the alert changes it caused; lot_id says which
-- lot's rules counted it (null: none did).
CREATE TABLE tamper_evidence (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    device_id     text        NOT NULL REFERENCES devices (device_id),
    kind          text        NOT NULL CHECK (kind IN ('CONFLICTING_DUPLICATE', 'REVOKED_KEY')),
    kid           bytea       NOT NULL,
    boot          bigint      NOT NULL CHECK (boot >= 0),
    seq           bigint      NOT NULL CHECK (seq >= 0),
    digest        bytea       NOT NULL,
    received_at   timestamptz NOT NULL,
    quarantine_id bigint      NOT NULL REFERENCES quarantine (id),
    evaluated_at  timestamptz,
    lot_id        bigint      REFERENCES lots (id),
    UNIQUE (device_id, kind, kid, boot, seq, digest)
);
CREATE INDEX tamper_evidence_pending ON tamper_evidence (device_id) WHERE evaluated_at IS NULL;

-- The message keys of a TAMPERING alert (MessageEvidence as JSON), next to the reading keys in evidence.
ALTER TABLE collateral_alerts ADD COLUMN messages jsonb NOT NULL DEFAULT '[]'::jsonb;
