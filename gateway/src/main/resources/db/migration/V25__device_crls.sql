-- V25: the device CA's certificate revocation lists (ADR 039). RFC 5280 §5.2.3 wants the CRL number
-- to grow with every list a CA issues: a replica that issues a list takes the next value of
-- device_crl_number (never rolled back; after a crash the sequence may skip ahead, never back). The
-- newest list of each CA generation is kept in device_crls, so every replica serves the same list
-- until its entries change or it is due for reissue, and a broker that fetches from several
-- replicas never sees the number go back.
CREATE SEQUENCE device_crl_number AS bigint MINVALUE 1 START WITH 1;

CREATE TABLE device_crls (
    ca_fingerprint text        PRIMARY KEY CHECK (ca_fingerprint ~ '^[0-9a-f]{64}$'),
    crl_number     bigint      NOT NULL CHECK (crl_number > 0),
    entries_digest text        NOT NULL CHECK (entries_digest ~ '^[0-9a-f]{64}$'),
    this_update    timestamptz NOT NULL,
    next_update    timestamptz NOT NULL CHECK (next_update > this_update),
    der            bytea       NOT NULL
);
