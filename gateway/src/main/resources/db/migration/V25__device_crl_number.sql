-- V25: the numbers of the device CA's certificate revocation lists (ADR 039). RFC 5280 §5.2.3 wants
-- the CRL number to grow with every list a CA issues; every replica takes the next value of this
-- sequence when it issues a list (DeviceCrlService). nextval is never rolled back and survives a
-- restart (after a crash the sequence may skip ahead, never back), so numbers only grow.
CREATE SEQUENCE device_crl_number AS bigint MINVALUE 1 START WITH 1;
