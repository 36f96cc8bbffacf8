-- V5: enrollment. Devices may exist before they have a key (pending enrollment); every key a
-- device ever had is kept in device_keys, so a message signed with a key that a re-key replaced
-- still finds its device by kid while that key is accepted (ADR 010); certificates issued by the
-- device CA; one-time enrollment tokens, stored as SHA-256 hashes only.

-- devices.kid/spki/alg now describe the device's CURRENT key, absent while enrollment is pending.
ALTER TABLE devices ALTER COLUMN kid DROP NOT NULL,
                    ALTER COLUMN spki DROP NOT NULL,
                    ALTER COLUMN alg DROP NOT NULL;
ALTER TABLE devices ADD CONSTRAINT devices_key_complete
    CHECK ((kid IS NULL) = (spki IS NULL) AND (kid IS NULL) = (alg IS NULL));

-- One row per key, unique across the deployment (a key speaks for one device only, ever). The
-- current key has retired_at NULL (at most one per device). A retired key (replaced by a re-key)
-- stays accepted until accepted_until: its newest certificate's notAfter, or a grace period for a
-- key registered without certificate. revoked_at ends acceptance at once.
CREATE TABLE device_keys (
    kid            bytea       NOT NULL,
    device_id      text        NOT NULL REFERENCES devices (device_id),
    spki           bytea       NOT NULL,
    alg            text        NOT NULL CHECK (alg IN ('ES256', 'EdDSA', 'SM2-SM3')),
    created_at     timestamptz NOT NULL DEFAULT now(),
    retired_at     timestamptz,
    accepted_until timestamptz,
    revoked_at     timestamptz,
    CONSTRAINT device_keys_kid_key PRIMARY KEY (kid),
    CHECK ((retired_at IS NULL) = (accepted_until IS NULL))
);
CREATE INDEX device_keys_device ON device_keys (device_id);
CREATE UNIQUE INDEX device_keys_one_current ON device_keys (device_id) WHERE retired_at IS NULL;

INSERT INTO device_keys (kid, device_id, spki, alg, created_at)
    SELECT kid, device_id, spki, alg, created_at FROM devices WHERE kid IS NOT NULL;

-- The current key of a device is always in device_keys, whichever path wrote devices (the
-- registration API, the enrollment service, tests inserting rows): the enrollment service retires
-- the previous key itself before it changes devices.kid; this trigger only adds a missing row. A
-- key that any device (even a retired key of another one) holds fails with a unique violation of
-- device_keys_kid_key, which the API reports as KEY_ALREADY_REGISTERED.
CREATE FUNCTION devices_current_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.kid IS NOT NULL AND NOT EXISTS
            (SELECT 1 FROM device_keys WHERE kid = NEW.kid AND device_id = NEW.device_id) THEN
        INSERT INTO device_keys (kid, device_id, spki, alg) VALUES (NEW.kid, NEW.device_id, NEW.spki, NEW.alg);
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER devices_current_key AFTER INSERT OR UPDATE OF kid ON devices
    FOR EACH ROW EXECUTE FUNCTION devices_current_key();

-- Certificates issued by the device CA. der and ca_der are kept so a retried enrollment returns the
-- very same chain, even after a CA rotation.
CREATE TABLE device_certificates (
    serial         text        PRIMARY KEY CHECK (serial ~ '^[0-9a-f]+$'),
    device_id      text        NOT NULL REFERENCES devices (device_id),
    kid            bytea       NOT NULL REFERENCES device_keys (kid),
    ca_fingerprint text        NOT NULL CHECK (ca_fingerprint ~ '^[0-9a-f]{64}$'),
    der            bytea       NOT NULL,
    ca_der         bytea       NOT NULL,
    not_before     timestamptz NOT NULL,
    not_after      timestamptz NOT NULL,
    issued_at      timestamptz NOT NULL DEFAULT now(),
    revoked_at     timestamptz
);
CREATE INDEX device_certificates_device ON device_certificates (device_id, issued_at);
CREATE INDEX device_certificates_kid ON device_certificates (kid);

-- Enrollment tokens: SHA-256 (hex) of the token string only. ENROLLMENT tokens come from an
-- operator, RENEWAL tokens come with each issued certificate. A token is used once (used_at and the
-- certificate it produced); issuing a new token for a device supersedes its open ones.
CREATE TABLE enrollment_tokens (
    token_hash         text        PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    device_id          text        NOT NULL REFERENCES devices (device_id),
    kind               text        NOT NULL CHECK (kind IN ('ENROLLMENT', 'RENEWAL')),
    ca_fingerprint     text        NOT NULL CHECK (ca_fingerprint ~ '^[0-9a-f]{64}$'),
    created_at         timestamptz NOT NULL DEFAULT now(),
    expires_at         timestamptz NOT NULL,
    used_at            timestamptz,
    certificate_serial text        REFERENCES device_certificates (serial),
    superseded_at      timestamptz,
    CHECK ((used_at IS NULL) = (certificate_serial IS NULL))
);
CREATE INDEX enrollment_tokens_open ON enrollment_tokens (device_id) WHERE used_at IS NULL AND superseded_at IS NULL;

-- Revoking a device (status REVOKED, final) revokes its keys and certificates and voids its open
-- tokens in the same transaction, whichever path changed the status.
CREATE FUNCTION devices_revocation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status = 'REVOKED' AND OLD.status <> 'REVOKED' THEN
        UPDATE device_keys SET revoked_at = now() WHERE device_id = NEW.device_id AND revoked_at IS NULL;
        UPDATE device_certificates SET revoked_at = now() WHERE device_id = NEW.device_id AND revoked_at IS NULL;
        UPDATE enrollment_tokens SET superseded_at = now()
            WHERE device_id = NEW.device_id AND used_at IS NULL AND superseded_at IS NULL;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER devices_revocation AFTER UPDATE OF status ON devices
    FOR EACH ROW EXECUTE FUNCTION devices_revocation();
