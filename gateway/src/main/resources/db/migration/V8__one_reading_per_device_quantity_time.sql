-- V8: one reading per (device, quantity, reading time) (issue 12, ADR 018).
-- The store refuses a message with a reading whose device, quantity and time (ms) are already
-- stored (DUPLICATE_READING_TIME), checking under a per-device advisory lock (PgMessageStore). This
-- unique index is the backstop for any writer that skips the lock, and it replaces the non-unique
-- index on the same columns (V1), which served the quantity-filtered read API and now also serves
-- the store's checks (exact triple, and the register's nearest earlier and later reading).
--
-- An existing database that already holds two readings of one device and quantity at one time
-- (possible before this version, e.g. a device that signed one reading under two (boot, seq)):
-- the migration stops with the error below, before changing anything, and the gateway does not
-- start. Nothing is deleted or moved automatically: readings are signed evidence, and which of two
-- conflicting readings stands is an operator's decision (ADR 018 gives the query that lists them
-- and the way to resolve them). The migration then runs on the next start.
--
-- The index is built inside the migration's transaction (not CONCURRENTLY), which blocks writes to
-- readings while it builds; run it while no replica ingests, or build the index CONCURRENTLY by
-- hand under the same name first (CREATE UNIQUE INDEX IF NOT EXISTS then finds it).
DO $$
DECLARE
    duplicated bigint;
BEGIN
    SELECT count(*) INTO duplicated
    FROM (SELECT 1 FROM readings GROUP BY device_id, quantity, reading_time HAVING count(*) > 1) d;
    IF duplicated > 0 THEN
        RAISE EXCEPTION 'V8: % (device, quantity, reading time) triples hold more than one reading', duplicated
            USING HINT = 'List them with: SELECT device_id, quantity, reading_time, array_agg((boot, seq, record_index, value)) '
                      || 'FROM readings GROUP BY 1, 2, 3 HAVING count(*) > 1; resolve them as docs/adr/018 describes, then restart.';
    END IF;
END
$$;

CREATE UNIQUE INDEX IF NOT EXISTS readings_device_quantity_time_key ON readings (device_id, quantity, reading_time);
DROP INDEX readings_device_quantity_time;
