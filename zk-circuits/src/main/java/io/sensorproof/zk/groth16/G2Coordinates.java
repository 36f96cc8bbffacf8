package io.sensorproof.zk.groth16;

import java.math.BigInteger;
import java.util.Objects;

/**
 * A G2 point as written in ZoKrates JSON, {@code [[x_c0, x_c1], [y_c0, y_c1]]} (real part
 * first, unlike the EIP-197 byte order), not yet validated.
 */
public record G2Coordinates(BigInteger x0, BigInteger x1, BigInteger y0, BigInteger y1) {
    public G2Coordinates {
        Objects.requireNonNull(x0, "x0");
        Objects.requireNonNull(x1, "x1");
        Objects.requireNonNull(y0, "y0");
        Objects.requireNonNull(y1, "y1");
    }
}
