package io.sensorproof.zk.poseidon;

import io.sensorproof.zk.bn254.Scalar;
import java.math.BigInteger;
import java.util.List;

/**
 * The textbook Poseidon over {@link BigInteger}, round by round as ZoKrates' stdlib writes it
 * (add the round constants, x⁵ on every element in full rounds and on the first in partial rounds,
 * multiply by the MDS matrix). It was {@link Poseidon}'s implementation until the field-arithmetic
 * one (ADR 047); it stays as the reference the fast one is tested against and benchmarked with.
 * Same checks and errors as {@link Poseidon#hash(List)}.
 */
public final class ReferencePoseidon {
    private static final BigInteger R = Scalar.ORDER;

    private ReferencePoseidon() {
    }

    /**
     * Hashes 1 to 6 field elements.
     *
     * @throws PoseidonException for no input, more than six, or an input outside [0, r)
     */
    public static BigInteger hash(List<BigInteger> inputs) {
        Poseidon.check(inputs);
        int n = inputs.size();
        int t = n + 1;
        BigInteger[] c = PoseidonConstants.C[n - 1];
        BigInteger[][] m = PoseidonConstants.M[n - 1];
        int partial = PoseidonConstants.PARTIAL_ROUNDS[n - 1];
        int fullRounds = PoseidonConstants.FULL_ROUNDS;
        BigInteger[] state = new BigInteger[t];
        state[0] = BigInteger.ZERO;
        for (int i = 1; i < t; i++) {
            state[i] = inputs.get(i - 1);
        }
        BigInteger[] next = new BigInteger[t];
        int half = fullRounds / 2;
        for (int r = 0; r < fullRounds + partial; r++) {
            boolean full = r < half || r >= half + partial;
            for (int i = 0; i < t; i++) {
                BigInteger x = state[i].add(c[r * t + i]);
                state[i] = i == 0 || full ? pow5(x) : x;
            }
            for (int i = 0; i < t; i++) {
                BigInteger acc = BigInteger.ZERO;
                for (int j = 0; j < t; j++) {
                    acc = acc.add(state[j].multiply(m[i][j]));
                }
                next[i] = acc.mod(R);
            }
            BigInteger[] swap = state;
            state = next;
            next = swap;
        }
        return state[0];
    }

    /** {@link #hash(List)} of the arguments. */
    public static BigInteger hash(BigInteger... inputs) {
        return hash(List.of(inputs));
    }

    private static BigInteger pow5(BigInteger x) {
        BigInteger x2 = x.multiply(x).mod(R);
        BigInteger x4 = x2.multiply(x2).mod(R);
        return x4.multiply(x).mod(R);
    }
}
