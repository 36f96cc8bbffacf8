package io.sensorproof.zk.poseidon;

/** Why {@link Poseidon#hash} refused its inputs (stable codes). */
public enum PoseidonError {
    /** No input, or more than {@link Poseidon#MAX_INPUTS}. */
    BAD_INPUT_COUNT,
    /** An input outside [0, r) (negative, or not reduced modulo the BN254 scalar field order). */
    NOT_A_FIELD_ELEMENT
}
