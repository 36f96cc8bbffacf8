package io.sensorproof.zk.groth16;

import java.math.BigInteger;
import java.util.List;
import java.util.Objects;

/** A ZoKrates g16/bn128 proof with its public inputs, as read from {@code proof.json}. */
public record Groth16Proof(G1Coordinates a, G2Coordinates b, G1Coordinates c, List<BigInteger> inputs) {
    public Groth16Proof {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        Objects.requireNonNull(c, "c");
        inputs = List.copyOf(inputs);
    }
}
