package io.sensorproof.zk.poseidon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sensorproof.zk.bn254.Scalar;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.List;
import java.util.Objects;

/**
 * Poseidon over the BN254 scalar field, equal bit for bit to ZoKrates' stdlib
 * {@code hashes/poseidon/poseidon} (circomlib's parameters: x⁵ S-box, 8 full rounds, 56–63 partial
 * rounds, state width t = inputs + 1 with the capacity element first and set to 0). The round
 * constants and MDS matrices are those of the pinned zokrates-js stdlib, extracted into
 * {@code constants.json} by {@code scripts/poseidon-constants.mjs}.
 */
public final class Poseidon {
    /** Most inputs one call takes (ZoKrates' limit; circomlib's t ≤ 7 parameters). */
    public static final int MAX_INPUTS = 6;
    private static final BigInteger R = Scalar.ORDER;
    private static final int FULL_ROUNDS;
    private static final int[] PARTIAL_ROUNDS;
    private static final BigInteger[][] C;
    private static final BigInteger[][][] M;

    static {
        try (InputStream in = Poseidon.class.getResourceAsStream("constants.json")) {
            JsonNode json = new ObjectMapper().readTree(Objects.requireNonNull(in, "constants.json"));
            FULL_ROUNDS = json.get("fullRounds").asInt();
            PARTIAL_ROUNDS = new int[MAX_INPUTS];
            C = new BigInteger[MAX_INPUTS][];
            M = new BigInteger[MAX_INPUTS][][];
            for (int k = 0; k < MAX_INPUTS; k++) {
                PARTIAL_ROUNDS[k] = json.get("partialRounds").get(k).asInt();
                C[k] = toFieldArray(json.get("C").get(k));
                JsonNode matrix = json.get("M").get(k);
                M[k] = new BigInteger[matrix.size()][];
                for (int i = 0; i < matrix.size(); i++) {
                    M[k][i] = toFieldArray(matrix.get(i));
                }
                int t = k + 2;
                if (C[k].length != t * (FULL_ROUNDS + PARTIAL_ROUNDS[k]) || M[k].length != t) {
                    throw new IllegalStateException("Poseidon constants for t = " + t + " have the wrong size");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Poseidon() {
    }

    /**
     * Hashes 1 to 6 field elements.
     *
     * @throws IllegalArgumentException for no input, more than six, or an input outside [0, r)
     */
    public static BigInteger hash(List<BigInteger> inputs) {
        int n = inputs.size();
        if (n < 1 || n > MAX_INPUTS) {
            throw new IllegalArgumentException("Poseidon takes 1 to " + MAX_INPUTS + " inputs, got " + n);
        }
        int t = n + 1;
        BigInteger[] c = C[n - 1];
        BigInteger[][] m = M[n - 1];
        int partial = PARTIAL_ROUNDS[n - 1];
        BigInteger[] state = new BigInteger[t];
        state[0] = BigInteger.ZERO;
        for (int i = 1; i < t; i++) {
            BigInteger x = inputs.get(i - 1);
            if (x.signum() < 0 || x.compareTo(R) >= 0) {
                throw new IllegalArgumentException("Poseidon input is not a field element: " + x);
            }
            state[i] = x;
        }
        BigInteger[] next = new BigInteger[t];
        int half = FULL_ROUNDS / 2;
        for (int r = 0; r < FULL_ROUNDS + partial; r++) {
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

    private static BigInteger[] toFieldArray(JsonNode array) {
        BigInteger[] out = new BigInteger[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = new BigInteger(array.get(i).asText().substring(2), 16);
        }
        return out;
    }
}
