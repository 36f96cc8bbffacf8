package io.sensorproof.zk.groth16;

import java.math.BigInteger;
import java.util.Objects;

/** A G1 point as written in ZoKrates JSON: two unsigned 256-bit integers, not yet validated. */
public record G1Coordinates(BigInteger x, BigInteger y) {
    public G1Coordinates {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(y, "y");
    }
}
