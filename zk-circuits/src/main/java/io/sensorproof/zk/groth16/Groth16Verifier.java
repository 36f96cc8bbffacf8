package io.sensorproof.zk.groth16;

import io.sensorproof.zk.bn254.Fp12;
import io.sensorproof.zk.bn254.G1Jacobian;
import io.sensorproof.zk.bn254.G1Point;
import io.sensorproof.zk.bn254.G2Point;
import io.sensorproof.zk.bn254.G2Prepared;
import io.sensorproof.zk.bn254.Pairing;
import io.sensorproof.zk.bn254.Scalar;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Groth16 verifier for one ZoKrates g16/bn128 verification key, with the semantics of the
 * Solidity verifier that ZoKrates exports (and of the EIP-196/197 precompiles it calls): it
 * accepts exactly the proofs that contract accepts.
 *
 * <p>The check is e(A, B) · e(−vk_x, γ) · e(−C, δ) · e(−α, β) = 1 with
 * vk_x = γ_abc[0] + Σ input_i · γ_abc[i+1]. Building the verifier validates the key and does
 * everything that depends on it alone: the Miller-loop lines of γ and δ, e(α, β), and window
 * tables for the γ_abc points. A verification then costs the proof's point checks (the G2
 * subgroup test of B), a fixed-base multi-scalar multiplication, one three-pair multi-Miller loop
 * and one final exponentiation.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class Groth16Verifier {
    private static final BigInteger R = Scalar.ORDER;

    private final int inputCount;
    private final G1Point gammaAbc0;
    private final List<FixedBaseTable> gammaAbcTables;
    private final G2Prepared gamma;
    private final G2Prepared delta;
    private final Fp12 alphaBeta;

    /** Validates the key; throws {@link VerificationException} if the contract could not use it. */
    public Groth16Verifier(VerificationKey key) {
        List<G1Point> abc = new ArrayList<>();
        for (int i = 0; i < key.gammaAbc().size(); i++) {
            abc.add(PointDecoding.g1(key.gammaAbc().get(i), "gamma_abc[" + i + "]"));
        }
        G1Point alpha = PointDecoding.negatedG1(key.alpha(), "alpha").neg();
        G2Point beta = PointDecoding.g2(key.beta(), "beta");
        this.gamma = G2Prepared.of(PointDecoding.g2(key.gamma(), "gamma"));
        this.delta = G2Prepared.of(PointDecoding.g2(key.delta(), "delta"));
        this.inputCount = abc.size() - 1;
        this.gammaAbc0 = abc.get(0);
        List<FixedBaseTable> tables = new ArrayList<>();
        for (G1Point point : abc.subList(1, abc.size())) {
            tables.add(new FixedBaseTable(point));
        }
        this.gammaAbcTables = List.copyOf(tables);
        this.alphaBeta = Pairing.pairing(alpha, beta);
    }

    /** Parses a {@code verification.key} document and builds its verifier. */
    public static Groth16Verifier fromJson(String verificationKeyJson) {
        return new Groth16Verifier(ZokratesJson.parseVerificationKey(verificationKeyJson));
    }

    public int inputCount() {
        return inputCount;
    }

    /** Parses a {@code proof.json} document and verifies it. */
    public boolean verifyJson(String proofJson) {
        return verify(ZokratesJson.parseProof(proofJson));
    }

    /**
     * True if the proof verifies, false if it is well-formed but the pairing check fails.
     *
     * @throws VerificationException for inputs the Solidity verifier would revert on: a wrong
     *     number of inputs, an input ≥ r, a coordinate ≥ p, a point off its curve, or B outside G2
     */
    public boolean verify(Groth16Proof proof) {
        List<BigInteger> inputs = proof.inputs();
        if (inputs.size() != inputCount) {
            throw new VerificationException(ErrorCode.WRONG_INPUT_COUNT, "inputs",
                    "the key expects " + inputCount + " public inputs, the proof has " + inputs.size());
        }
        Scalar[] scalars = new Scalar[inputCount];
        for (int i = 0; i < inputCount; i++) {
            BigInteger input = inputs.get(i);
            if (input.signum() < 0 || input.compareTo(R) >= 0) {
                throw new VerificationException(ErrorCode.INPUT_OUT_OF_RANGE, "inputs[" + i + "]",
                        "public input is not below the scalar field order r");
            }
            scalars[i] = Scalar.of(input);
        }
        G1Point a = PointDecoding.g1(proof.a(), "proof.a");
        G2Point b = PointDecoding.g2(proof.b(), "proof.b");
        G1Point negC = PointDecoding.negatedG1(proof.c(), "proof.c");

        G1Jacobian vkX = gammaAbc0.toJacobian();
        for (int i = 0; i < inputCount; i++) {
            vkX = gammaAbcTables.get(i).addMultiple(vkX, scalars[i]);
        }
        Fp12 f = Pairing.millerLoop(List.of(
                new Pairing.Pair(a, G2Prepared.of(b)),
                new Pairing.Pair(vkX.toAffine().neg(), gamma),
                new Pairing.Pair(negC, delta)));
        return Pairing.finalExponentiation(f).equals(alphaBeta);
    }
}
