-- V26: hybrid devices (issue 20, ADR 029). A device that must stay safe if either signature scheme
-- breaks holds a key group: its classical signing key (a device_keys row, ES256 or EdDSA) and an
-- ML-DSA key registered with it here. It signs every message with both (one COSE_Sign, protocol
-- §2.1); the gateway finds it by the classical kid, and PgDeviceDirectory returns the ML-DSA key with
-- the classical one. One ML-DSA partner per classical key; a re-key of the classical key leaves the
-- new key without a partner (the device is hybrid again only once a partner is registered for it).
CREATE TABLE device_hybrid_keys (
    kid           bytea       PRIMARY KEY,
    classical_kid bytea       NOT NULL UNIQUE REFERENCES device_keys (kid),
    device_id     text        NOT NULL REFERENCES devices (device_id),
    spki          bytea       NOT NULL,
    alg           text        NOT NULL CHECK (alg IN ('ML-DSA-44', 'ML-DSA-65')),
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- The ML-DSA key of a group is neither a signing key of its own (device_keys: a lookup by its kid
-- would accept its single-signature messages) nor a DTLS transport key, and its classical partner
-- belongs to the same device and is ES256 or EdDSA.
CREATE FUNCTION hybrid_key_checks() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM device_keys WHERE kid = NEW.kid)
            OR EXISTS (SELECT 1 FROM device_transport_keys WHERE kid = NEW.kid) THEN
        RAISE EXCEPTION 'kid % is already a signing or transport key', encode(NEW.kid, 'hex')
            USING ERRCODE = 'unique_violation', CONSTRAINT = 'device_hybrid_keys_kid_key';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM device_keys WHERE kid = NEW.classical_kid AND device_id = NEW.device_id
            AND alg IN ('ES256', 'EdDSA')) THEN
        RAISE EXCEPTION 'classical key % is not an ES256 or EdDSA key of device %', encode(NEW.classical_kid, 'hex'), NEW.device_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'device_hybrid_keys_classical';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER device_hybrid_keys_checks BEFORE INSERT OR UPDATE ON device_hybrid_keys
    FOR EACH ROW EXECUTE FUNCTION hybrid_key_checks();

CREATE FUNCTION signing_kid_not_hybrid() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM device_hybrid_keys WHERE kid = NEW.kid) THEN
        RAISE EXCEPTION 'kid % is the ML-DSA key of a hybrid device', encode(NEW.kid, 'hex')
            USING ERRCODE = 'unique_violation', CONSTRAINT = 'device_keys_kid_key';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER device_keys_kid_not_hybrid BEFORE INSERT OR UPDATE OF kid ON device_keys
    FOR EACH ROW EXECUTE FUNCTION signing_kid_not_hybrid();
