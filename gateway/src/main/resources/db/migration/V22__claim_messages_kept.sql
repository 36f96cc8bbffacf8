-- V22: the raw signed messages cited by a claim are kept (issue 15: "raw signed messages ... are kept
-- for the lifetime of what they back (credits, frozen facilities), whatever the general retention";
-- ADR 031). V19 keeps the messages under a commitment batch; a claim's readings need not be batched
-- (sensorproof.batches.enabled=false, or a claim planned before its readings were sealed), and the
-- evidence bundle of a freeze and the audit of a claim re-verify the signatures of exactly these
-- messages. A message is cited when its (boot, seq) is that of a [boot, seq, recordIndex] triple of a run
-- claim's or an emissions claim's reading_keys (compared element by element: jsonb containment would
-- ignore the order of boot and seq). Every
-- stored claim counts, planned ones included: a planned claim is on its way to the chain, and an anchored
-- one stays on chain for good. Readings stay updatable and deletable as under V19: the audit detects a
-- stored reading altered or deleted after anchoring, against the message kept here.
CREATE INDEX run_claims_device ON run_claims (device_id);
CREATE INDEX emissions_claims_device ON emissions_claims (device_id);

CREATE FUNCTION claim_message_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM run_claims c, jsonb_array_elements(c.reading_keys) k WHERE c.device_id = OLD.device_id
               AND (k->>0)::bigint = OLD.boot AND (k->>1)::bigint = OLD.seq)
       OR EXISTS (SELECT 1 FROM emissions_claims c, jsonb_array_elements(c.reading_keys) k WHERE c.device_id = OLD.device_id
               AND (k->>0)::bigint = OLD.boot AND (k->>1)::bigint = OLD.seq) THEN
        RAISE EXCEPTION 'message %/%/% carries readings of a claim and is kept (% refused)',
            OLD.device_id, OLD.boot, OLD.seq, TG_OP USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
CREATE TRIGGER messages_claimed_kept_delete BEFORE DELETE ON messages
    FOR EACH ROW EXECUTE FUNCTION claim_message_kept();
CREATE TRIGGER messages_claimed_kept_update BEFORE UPDATE OF raw, content_digest, device_id, boot, seq ON messages
    FOR EACH ROW WHEN (OLD.raw IS DISTINCT FROM NEW.raw OR OLD.content_digest IS DISTINCT FROM NEW.content_digest
                       OR OLD.device_id IS DISTINCT FROM NEW.device_id OR OLD.boot IS DISTINCT FROM NEW.boot
                       OR OLD.seq IS DISTINCT FROM NEW.seq)
    EXECUTE FUNCTION claim_message_kept();

CREATE FUNCTION claim_messages_truncate_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM run_claims) OR EXISTS (SELECT 1 FROM emissions_claims) THEN
        RAISE EXCEPTION 'TRUNCATE of % refused: claims cite its messages', TG_TABLE_NAME
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER messages_claimed_kept_truncate BEFORE TRUNCATE ON messages
    FOR EACH STATEMENT EXECUTE FUNCTION claim_messages_truncate_kept();
