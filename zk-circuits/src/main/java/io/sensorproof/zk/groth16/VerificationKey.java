package io.sensorproof.zk.groth16;

import java.util.List;
import java.util.Objects;

/**
 * A ZoKrates g16/bn128 verification key as read from {@code verification.key}; validated when a
 * {@link Groth16Verifier} is built from it. {@code gammaAbc} has one entry more than the circuit
 * has public inputs.
 */
public record VerificationKey(G1Coordinates alpha, G2Coordinates beta, G2Coordinates gamma, G2Coordinates delta,
        List<G1Coordinates> gammaAbc) {
    public VerificationKey {
        Objects.requireNonNull(alpha, "alpha");
        Objects.requireNonNull(beta, "beta");
        Objects.requireNonNull(gamma, "gamma");
        Objects.requireNonNull(delta, "delta");
        gammaAbc = List.copyOf(gammaAbc);
        if (gammaAbc.isEmpty()) {
            throw new VerificationException(ErrorCode.MALFORMED_JSON, "gamma_abc", "must not be empty");
        }
    }

    public int inputCount() {
        return gammaAbc.size() - 1;
    }
}
