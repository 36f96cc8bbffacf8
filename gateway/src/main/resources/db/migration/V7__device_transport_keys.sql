-- V7: DTLS transport keys of devices whose signing algorithm DTLS cannot use (ADR 012, ADR 015).
-- Scandium has no SM2 cipher suites, so an SM2 device signs its messages with SM2 but authenticates
-- its DTLS session with a separate ECDSA P-256 key. One transport key per device at a time;
-- replacing it is an update (the old key is refused at the next handshake). A kid that is some
-- device's signing key cannot be a transport key, and vice versa (checked by the API).
CREATE TABLE device_transport_keys (
    device_id  text        PRIMARY KEY REFERENCES devices (device_id),
    kid        bytea       NOT NULL UNIQUE,
    spki       bytea       NOT NULL,
    alg        text        NOT NULL CHECK (alg = 'ES256'),
    created_at timestamptz NOT NULL DEFAULT now()
);

-- A key is either a signing key (device_keys) or a transport key, never both: the same kid in both
-- tables would let one key's DTLS identity and message signatures name different devices.
CREATE FUNCTION transport_kid_not_signing() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM device_keys WHERE kid = NEW.kid) THEN
        RAISE EXCEPTION 'kid % is a signing key', encode(NEW.kid, 'hex')
            USING ERRCODE = 'unique_violation', CONSTRAINT = 'transport_kid_is_signing_kid';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER device_transport_keys_kid_not_signing BEFORE INSERT OR UPDATE OF kid ON device_transport_keys
    FOR EACH ROW EXECUTE FUNCTION transport_kid_not_signing();

CREATE FUNCTION signing_kid_not_transport() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM device_transport_keys WHERE kid = NEW.kid) THEN
        RAISE EXCEPTION 'kid % is a DTLS transport key', encode(NEW.kid, 'hex')
            USING ERRCODE = 'unique_violation', CONSTRAINT = 'device_keys_kid_key';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER device_keys_kid_not_transport BEFORE INSERT OR UPDATE OF kid ON device_keys
    FOR EACH ROW EXECUTE FUNCTION signing_kid_not_transport();
