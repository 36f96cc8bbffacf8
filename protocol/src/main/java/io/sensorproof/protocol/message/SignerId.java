package io.sensorproof.protocol.message;

import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Who claims to have signed: the {@code alg} and {@code kid} of one signature. A hybrid message
 * (ADR 029) names two, its {@link MessageHeader} the classical one and
 * {@link ReadingMessage#postQuantumSigner()} the ML-DSA one; nothing is authenticated until verified.
 *
 * @param algorithm the signature's {@code alg}
 * @param kid the signature's {@code kid} (16 bytes)
 */
public record SignerId(SignatureAlgorithm algorithm, byte[] kid) {
    public SignerId {
        Objects.requireNonNull(algorithm, "algorithm");
        if (kid == null || kid.length != Keys.KID_LENGTH) {
            throw new IllegalArgumentException("kid must be " + Keys.KID_LENGTH + " bytes");
        }
        kid = kid.clone();
    }

    @Override
    public byte[] kid() {
        return kid.clone();
    }

    /** The kid as lowercase hex. */
    public String kidHex() {
        return HexFormat.of().formatHex(kid);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SignerId s && algorithm == s.algorithm && Arrays.equals(kid, s.kid);
    }

    @Override
    public int hashCode() {
        return Objects.hash(algorithm, Arrays.hashCode(kid));
    }

    @Override
    public String toString() {
        return "SignerId[" + algorithm.label() + ", kid=" + kidHex() + "]";
    }
}
