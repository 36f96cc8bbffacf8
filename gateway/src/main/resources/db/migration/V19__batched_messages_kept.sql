-- V19: the raw signed messages under a commitment batch are kept (issue 15, "Commitment batches":
-- "raw signed messages under an anchored root are kept ... whatever the general retention"; ADR 027).
-- There is no retention job today (nothing in the gateway deletes messages or readings); this guard
-- makes sure a future one, a manual clean-up or a migration cannot remove the bytes a regulator's
-- audit re-verifies (BatchAudits, GET /api/v1/batches/{id}/audit). The foreign keys
-- batch_members -> readings -> messages already refuse deleting a batched message row; the triggers add
-- what foreign keys do not cover: rewriting a batched message's raw bytes or digest, TRUNCATE ... CASCADE
-- (which would empty batch_members too), and deleting the memberships themselves. A sealed batch counts
-- as anchored here: it is on its way to the chain. Readings stay updatable: the audit detects a stored
-- reading altered after anchoring (ALTERED_AFTER_ANCHOR) against the signed message kept here.
CREATE FUNCTION batched_message_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM batch_members m
               WHERE m.device_id = OLD.device_id AND m.boot = OLD.boot AND m.seq = OLD.seq) THEN
        RAISE EXCEPTION 'message %/%/% carries readings of a commitment batch and is kept (% refused)',
            OLD.device_id, OLD.boot, OLD.seq, TG_OP USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
CREATE TRIGGER messages_batched_kept_delete BEFORE DELETE ON messages
    FOR EACH ROW EXECUTE FUNCTION batched_message_kept();
CREATE TRIGGER messages_batched_kept_update BEFORE UPDATE OF raw, content_digest, device_id, boot, seq ON messages
    FOR EACH ROW WHEN (OLD.raw IS DISTINCT FROM NEW.raw OR OLD.content_digest IS DISTINCT FROM NEW.content_digest
                       OR OLD.device_id IS DISTINCT FROM NEW.device_id OR OLD.boot IS DISTINCT FROM NEW.boot
                       OR OLD.seq IS DISTINCT FROM NEW.seq)
    EXECUTE FUNCTION batched_message_kept();

CREATE FUNCTION batch_membership_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        IF EXISTS (SELECT 1 FROM batch_members) THEN
            RAISE EXCEPTION 'TRUNCATE of % refused: commitment batches hold its rows', TG_TABLE_NAME
                USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'batch membership %/%/%/% of batch % is kept (% refused)',
        OLD.device_id, OLD.boot, OLD.seq, OLD.record_index, OLD.batch_id, TG_OP USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER batch_members_kept BEFORE DELETE OR UPDATE ON batch_members
    FOR EACH ROW EXECUTE FUNCTION batch_membership_kept();
CREATE TRIGGER messages_batched_kept_truncate BEFORE TRUNCATE ON messages
    FOR EACH STATEMENT EXECUTE FUNCTION batch_membership_kept();
CREATE TRIGGER readings_batched_kept_truncate BEFORE TRUNCATE ON readings
    FOR EACH STATEMENT EXECUTE FUNCTION batch_membership_kept();
CREATE TRIGGER batch_members_kept_truncate BEFORE TRUNCATE ON batch_members
    FOR EACH STATEMENT EXECUTE FUNCTION batch_membership_kept();
