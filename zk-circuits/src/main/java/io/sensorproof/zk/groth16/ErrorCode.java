package io.sensorproof.zk.groth16;

/** Stable reasons for refusing a key or proof before (or instead of) the pairing check. */
public enum ErrorCode {
    /** Not JSON, or JSON without the ZoKrates structure (missing field, wrong type or length, bad hex). */
    MALFORMED_JSON,
    /** A scheme or curve other than ZoKrates g16 on bn128. */
    WRONG_SCHEME,
    /** A point that is not on its curve. */
    NOT_ON_CURVE,
    /** A twist point outside the order-r subgroup G2. */
    NOT_IN_SUBGROUP,
    /** A coordinate at or above the base-field modulus p (EIP-196/197 reject these). */
    COORDINATE_OUT_OF_RANGE,
    /** A public input at or above the group order r (the Solidity verifier's require). */
    INPUT_OUT_OF_RANGE,
    /** The proof's public-input count differs from the key's. */
    WRONG_INPUT_COUNT
}
