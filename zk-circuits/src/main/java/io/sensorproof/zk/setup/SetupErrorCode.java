package io.sensorproof.zk.setup;

/** Stable reasons why the development phase 2 ({@link DevZkey}) refuses its inputs. */
public enum SetupErrorCode {
    /** Not a snarkjs binary file of the expected kind ({@code r1cs}, {@code ptau}): wrong magic or version. */
    MALFORMED_FILE,
    /** The file ends before a section, header field or term it announces, or a section has bytes left over. */
    TRUNCATED,
    /** A section the format requires is missing, or present twice. */
    MISSING_SECTION,
    /** Another field than the BN254 scalar field (r1cs) or base field (ptau): element size or prime differ. */
    WRONG_FIELD,
    /** A term that names a signal outside the circuit's nVars, or a header whose counts do not add up. */
    BAD_SIGNAL,
    /** A coefficient at or above r. */
    VALUE_OUT_OF_RANGE,
    /** The circuit needs a larger domain than the powers of tau holds. */
    CIRCUIT_TOO_BIG,
    /** The powers of tau has no Lagrange sections (12–15): not prepared for phase 2. */
    PTAU_NOT_PREPARED,
    /** The powers of tau was not made from these secrets (its τ·G1, α·G1, β·G1 or β·G2 differ). */
    SECRETS_MISMATCH
}
