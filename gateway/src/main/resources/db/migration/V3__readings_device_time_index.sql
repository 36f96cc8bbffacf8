-- V3: index for the readings read API (GET /api/v1/devices/{id}/readings).
-- The API pages a device's readings in (reading_time, boot, seq, record_index) order, with or
-- without a quantity filter. readings_device_quantity_time serves the filtered case, but without a
-- quantity it would read every reading of the device in the range and sort them for each page.
-- This index matches the keyset exactly, so a page costs one index range scan of `limit` rows.
-- Cost: one more B-tree entry per reading on insert.
CREATE INDEX readings_device_time ON readings (device_id, reading_time, boot, seq, record_index);
