package io.sensorproof.zk.groth16.prover;

/** Stable reasons why the Java Groth16 prover refuses a key, a witness or its own proof. */
public enum ProverErrorCode {
    /** Not a snarkjs binary file of the expected kind: wrong magic, version or section table. */
    MALFORMED_FILE,
    /** The file ends before a section, point or value it announces. */
    TRUNCATED,
    /** A section the format requires is missing, or present twice. */
    MISSING_SECTION,
    /** A section whose size disagrees with the header (number of points, coefficients, witness values). */
    SECTION_SIZE_MISMATCH,
    /** A zkey for another protocol than Groth16 (PLONK, FFLONK). */
    UNSUPPORTED_PROTOCOL,
    /** Another curve than BN254 (bn128): field sizes or primes differ. */
    WRONG_CURVE,
    /** A domain size that is not a power of two, too large, or smaller than the constraints need. */
    BAD_DOMAIN,
    /** A coefficient that names a matrix other than A or B, a constraint outside the domain or a signal outside the witness. */
    BAD_COEFFICIENT,
    /** A base-field coordinate at or above p, or a witness value at or above r. */
    VALUE_OUT_OF_RANGE,
    /** A key point that is not on its curve (or, for the verification key, not in G2). */
    INVALID_POINT,
    /** The witness has another length than the key's nVars, or another field. */
    WITNESS_MISMATCH,
    /** The witness violates a constraint of the circuit's R1CS ({@link R1cs#check}): refused before proving. */
    WITNESS_UNSATISFIED,
    /** The proof failed the Java verifier's check: the witness does not satisfy the circuit (or the key is inconsistent). */
    PROOF_REJECTED
}
