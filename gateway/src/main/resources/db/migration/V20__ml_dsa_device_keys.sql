-- V20: ML-DSA device keys (issue 20, ADR 029). A device's signing key may be ML-DSA-44 or ML-DSA-65
-- (FIPS 204, COSE -48 / -49). Only the algorithm checks widen; the DTLS transport key stays ES256.
ALTER TABLE devices DROP CONSTRAINT devices_alg_check;
ALTER TABLE devices ADD CONSTRAINT devices_alg_check
    CHECK (alg IN ('ES256', 'EdDSA', 'SM2-SM3', 'ML-DSA-44', 'ML-DSA-65'));
ALTER TABLE device_keys DROP CONSTRAINT device_keys_alg_check;
ALTER TABLE device_keys ADD CONSTRAINT device_keys_alg_check
    CHECK (alg IN ('ES256', 'EdDSA', 'SM2-SM3', 'ML-DSA-44', 'ML-DSA-65'));
