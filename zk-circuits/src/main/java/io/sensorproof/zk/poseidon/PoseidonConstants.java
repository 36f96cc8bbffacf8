package io.sensorproof.zk.poseidon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.Objects;

/**
 * The round constants and MDS matrices of ZoKrates' stdlib Poseidon (circomlib's parameters) for
 * 1 to 6 inputs, as {@code constants.json} holds them (extracted from the pinned zokrates-js stdlib
 * by {@code scripts/poseidon-constants.mjs}). Index k is for k + 1 inputs (state width t = k + 2).
 */
final class PoseidonConstants {
    static final int FULL_ROUNDS;
    static final int[] PARTIAL_ROUNDS;
    /** C[k][r·t + i]: the constant added to element i in round r. */
    static final BigInteger[][] C;
    /** M[k][i][j]: the mix is next[i] = Σ_j M[i][j]·state[j]. */
    static final BigInteger[][][] M;

    static {
        try (InputStream in = PoseidonConstants.class.getResourceAsStream("constants.json")) {
            JsonNode json = new ObjectMapper().readTree(Objects.requireNonNull(in, "constants.json"));
            FULL_ROUNDS = json.get("fullRounds").asInt();
            PARTIAL_ROUNDS = new int[Poseidon.MAX_INPUTS];
            C = new BigInteger[Poseidon.MAX_INPUTS][];
            M = new BigInteger[Poseidon.MAX_INPUTS][][];
            for (int k = 0; k < Poseidon.MAX_INPUTS; k++) {
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
                for (BigInteger[] row : M[k]) {
                    if (row.length != t) {
                        throw new IllegalStateException("Poseidon MDS matrix for t = " + t + " is not square");
                    }
                }
            }
            if (FULL_ROUNDS % 2 != 0 || FULL_ROUNDS < 2) {
                throw new IllegalStateException("Poseidon needs an even number of full rounds, got " + FULL_ROUNDS);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private PoseidonConstants() {
    }

    private static BigInteger[] toFieldArray(JsonNode array) {
        BigInteger[] out = new BigInteger[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = new BigInteger(array.get(i).asText().substring(2), 16);
        }
        return out;
    }
}
