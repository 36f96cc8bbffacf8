-- V4: the newest status (heartbeat) message per device: device time against receive time gives the
-- clock skew; the outbox fields give the device's backlog. One row per device, replaced only by a
-- newer status (higher boot, or same boot and later device time), so a replayed old status cannot
-- overwrite a fresh one.
CREATE TABLE device_status (
    device_id              text        PRIMARY KEY REFERENCES devices (device_id),
    boot                   bigint      NOT NULL,
    device_time            timestamptz NOT NULL,
    received_at            timestamptz NOT NULL,
    skew_ms                bigint      NOT NULL,
    outbox_depth           bigint      NOT NULL,
    outbox_bytes           bigint      NOT NULL,
    oldest_unacked_boot    bigint,
    oldest_unacked_seq     bigint,
    last_acked_boot        bigint,
    last_acked_seq         bigint,
    clock_steps            bigint      NOT NULL,
    kept_aside             bigint      NOT NULL
);
