package io.sensorproof.zk.poseidon;

import io.sensorproof.zk.bn254.Scalar;
import java.math.BigInteger;
import java.util.List;

/**
 * Poseidon over the BN254 scalar field, equal bit for bit to ZoKrates' stdlib
 * {@code hashes/poseidon/poseidon} (circomlib's parameters: x⁵ S-box, 8 full rounds, 56–63 partial
 * rounds, state width t = inputs + 1 with the capacity element first and set to 0). The round
 * constants and MDS matrices are those of the pinned zokrates-js stdlib, extracted into
 * {@code constants.json} by {@code scripts/poseidon-constants.mjs}.
 *
 * <p>Computed in Montgomery form on long limbs (the prover's {@code Fr}) with the partial rounds
 * reduced to one constant and a sparse matrix each, derived at class load from those constants
 * ({@link OptimizedPoseidon}, ADR 047); {@link ReferencePoseidon} is the round-by-round
 * {@code BigInteger} version it is tested against.
 */
public final class Poseidon {
    /** Most inputs one call takes (ZoKrates' limit; circomlib's t ≤ 7 parameters). */
    public static final int MAX_INPUTS = 6;
    private static final BigInteger R = Scalar.ORDER;

    private Poseidon() {
    }

    /**
     * Hashes 1 to 6 field elements.
     *
     * @throws PoseidonException ({@link IllegalArgumentException}) {@link PoseidonError#BAD_INPUT_COUNT} for no
     *     input or more than six, {@link PoseidonError#NOT_A_FIELD_ELEMENT} for an input outside [0, r)
     */
    public static BigInteger hash(List<BigInteger> inputs) {
        check(inputs);
        return OptimizedPoseidon.hash(inputs);
    }

    /** {@link #hash(List)} of the arguments. */
    public static BigInteger hash(BigInteger... inputs) {
        return hash(List.of(inputs));
    }

    /** The checks of {@link #hash(List)}, shared with {@link ReferencePoseidon}. */
    static void check(List<BigInteger> inputs) {
        int n = inputs.size();
        if (n < 1 || n > MAX_INPUTS) {
            throw new PoseidonException(PoseidonError.BAD_INPUT_COUNT,
                    "Poseidon takes 1 to " + MAX_INPUTS + " inputs, got " + n);
        }
        for (BigInteger x : inputs) {
            if (x.signum() < 0 || x.compareTo(R) >= 0) {
                throw new PoseidonException(PoseidonError.NOT_A_FIELD_ELEMENT, "Poseidon input is not a field element: " + x);
            }
        }
    }
}
