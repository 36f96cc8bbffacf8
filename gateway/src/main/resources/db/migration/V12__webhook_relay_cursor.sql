-- V12: the cursor of the relay that turns alert events into webhook deliveries (issue 14;
-- io.sensorproof.gateway.webhooks.AlertWebhookRelay). One row per relayed event source; the relay
-- locks it FOR UPDATE, enqueues the deliveries of the events after it and advances it in one
-- transaction, so two replicas never relay the same events at once and a crash relays them again
-- (enqueuing is idempotent per (endpoint, event)). It starts at the newest existing event: endpoints
-- are registered after V12, and no endpoint existed to receive older events.
CREATE TABLE webhook_relay_cursors (
    source        text   PRIMARY KEY,
    last_event_id bigint NOT NULL CHECK (last_event_id >= 0)
);
INSERT INTO webhook_relay_cursors (source, last_event_id)
SELECT 'alert_events', coalesce(max(id), 0) FROM alert_events;
