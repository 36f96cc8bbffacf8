package io.sensorproof.zk.groth16.prover;

import io.sensorproof.zk.bn254.G1Jacobian;
import io.sensorproof.zk.bn254.G1Point;
import io.sensorproof.zk.bn254.G2Jacobian;
import io.sensorproof.zk.bn254.G2Point;
import io.sensorproof.zk.bn254.Scalar;
import io.sensorproof.zk.groth16.VerificationException;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/**
 * Groth16 prover for snarkjs {@code .zkey} files on BN254, computing what snarkjs
 * {@code groth16 prove} computes:
 *
 * <ol>
 *   <li>A, B at the domain points from the zkey's coefficients (a constraint's row times the
 *       witness), C = A·B pointwise (the witness satisfies the constraints);
 *   <li>each moved to the odd coset ω_{2n}·⟨ω_n⟩ by inverse NTT, scaling by ω_{2n}^i, NTT;
 *   <li>h_i = A_i·B_i − C_i there; the zkey's H points already include 1/Z = −1/2 and 1/δ;
 *   <li>π_A = α + Σ wᵢAᵢ + r·δ, π_B = β + Σ wᵢB₂ᵢ + s·δ (G2), B₁ the same in G1,
 *       π_C = Σ_{private} wᵢCᵢ + Σ hᵢHᵢ + s·π_A + r·B₁ − r·s·δ.
 * </ol>
 *
 * Blinding r, s come from {@link SecureRandom}. Each proof is checked by the project's
 * {@link io.sensorproof.zk.groth16.Groth16Verifier} with the zkey's verification key before it is
 * returned; a failing one (a witness that does not satisfy the circuit) is refused with
 * {@link ProverErrorCode#PROOF_REJECTED}. The prover does not check the constraints itself.
 *
 * <p>{@code threads} = 1 computes on the calling thread; more uses a private {@link ForkJoinPool}
 * (MSM windows and the three coset transforms in parallel). Instances are thread-safe; close
 * them to stop the pool.
 */
public final class Groth16Prover implements AutoCloseable {
    private final ForkJoinPool pool;
    private final SecureRandom random;

    private Groth16Prover(int threads, SecureRandom random) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
        this.pool = threads == 1 ? null : new ForkJoinPool(threads);
        this.random = random;
    }

    public static Groth16Prover create(int threads) {
        return new Groth16Prover(threads, new SecureRandom());
    }

    /** Reads the witness ({@code .wtns} bytes) and proves; see {@link #prove(ProvingKey, Witness)}. */
    public Proof prove(ProvingKey key, byte[] wtns) {
        return prove(key, Witness.read(wtns));
    }

    /** A proof that the Java verifier accepted, or {@link ProverFailure} with a stable code. */
    public Proof prove(ProvingKey key, Witness witness) {
        Proof proof = proveUnchecked(key, witness);
        long start = System.nanoTime();
        boolean valid;
        try {
            valid = key.verifier().verify(proof.toGroth16Proof());
        } catch (VerificationException e) {
            throw new ProverFailure(ProverErrorCode.PROOF_REJECTED, "the verifier refused the proof: " + e.getMessage(), e);
        }
        if (!valid) {
            throw new ProverFailure(ProverErrorCode.PROOF_REJECTED,
                    "the proof does not verify with the zkey's verification key: the witness does not satisfy the circuit");
        }
        return proof.withCheckNanos(System.nanoTime() - start);
    }

    /** The proof without the verifier's check (tests show that a bad witness gives a proof others reject). */
    Proof proveUnchecked(ProvingKey key, Witness witness) {
        if (witness.size() != key.nVars) {
            throw new ProverFailure(ProverErrorCode.WITNESS_MISMATCH, "the witness has " + witness.size() + " values, the key expects nVars = "
                    + key.nVars);
        }
        if (!witness.value(0).equals(BigInteger.ONE)) {
            throw new ProverFailure(ProverErrorCode.WITNESS_MISMATCH, "witness value 0 must be the constant 1");
        }
        long t0 = System.nanoTime();
        int n = key.domainSize;
        Fr[] a = filled(n);
        Fr[] b = filled(n);
        for (int i = 0; i < key.coefValue.length; i++) {
            Fr[] target = key.coefMatrix[i] == 0 ? a : b;
            int c = key.coefConstraint[i];
            target[c] = target[c].add(key.coefValue[i].mul(witness.raw(key.coefSignal[i])));
        }
        Fr[] c = new Fr[n];
        for (int i = 0; i < n; i++) {
            c[i] = a[i].mul(b[i]);
        }
        long t1 = System.nanoTime();
        if (pool == null) {
            Ntt.toOddCoset(a);
            Ntt.toOddCoset(b);
            Ntt.toOddCoset(c);
        } else {
            List<ForkJoinTask<?>> tasks = new ArrayList<>();
            for (Fr[] v : List.of(a, b, c)) {
                tasks.add(pool.submit(() -> Ntt.toOddCoset(v)));
            }
            tasks.forEach(ForkJoinTask::join);
        }
        long[] h = new long[4 * n];
        for (int i = 0; i < n; i++) {
            Fr v = a[i].mul(b[i]).sub(c[i]).fromMontgomery();
            h[4 * i] = v.l0();
            h[4 * i + 1] = v.l1();
            h[4 * i + 2] = v.l2();
            h[4 * i + 3] = v.l3();
        }
        long t2 = System.nanoTime();
        long[] w = witness.limbs();
        G1Jacobian msmA = Msm.msm(CurveOps.G1, key.pointsA, w, 0, pool);
        G1Jacobian msmB1 = Msm.msm(CurveOps.G1, key.pointsB1, w, 0, pool);
        long g2Start = System.nanoTime();
        G2Jacobian msmB2 = Msm.msm(CurveOps.G2, key.pointsB2, w, 0, pool);
        long g2Nanos = System.nanoTime() - g2Start;
        G1Jacobian msmC = Msm.msm(CurveOps.G1, key.pointsC, w, key.nPublic + 1, pool);
        G1Jacobian msmH = Msm.msm(CurveOps.G1, key.pointsH, h, 0, pool);
        long t3 = System.nanoTime();

        BigInteger r = randomScalar();
        BigInteger s = randomScalar();
        G1Point piA = msmA.addMixed(key.alpha1).addMixed(key.delta1.mul(Scalar.of(r))).toAffine();
        G2Point piB = msmB2.addMixed(key.beta2).addMixed(key.delta2.mul(Scalar.of(s))).toAffine();
        G1Point b1 = msmB1.addMixed(key.beta1).addMixed(key.delta1.mul(Scalar.of(s))).toAffine();
        BigInteger rs = r.multiply(s).mod(Scalar.ORDER);
        BigInteger minusRs = rs.signum() == 0 ? rs : Scalar.ORDER.subtract(rs);
        G1Point piC = CurveOps.addJacobian(msmC, msmH)
                .addMixed(piA.mul(Scalar.of(s)))
                .addMixed(b1.mul(Scalar.of(r)))
                .addMixed(key.delta1.mul(Scalar.of(minusRs)))
                .toAffine();
        long t4 = System.nanoTime();
        List<BigInteger> inputs = new ArrayList<>(key.nPublic);
        for (int i = 1; i <= key.nPublic; i++) {
            inputs.add(witness.value(i));
        }
        return new Proof(piA, piB, piC, inputs, new Proof.Timings(t1 - t0, t2 - t1, t3 - t2, g2Nanos, t4 - t3, 0));
    }

    private BigInteger randomScalar() {
        BigInteger k;
        do {
            k = new BigInteger(Scalar.ORDER.bitLength(), random);
        } while (k.compareTo(Scalar.ORDER) >= 0);
        return k;
    }

    private static Fr[] filled(int n) {
        Fr[] v = new Fr[n];
        java.util.Arrays.fill(v, Fr.ZERO);
        return v;
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdown();
        }
    }
}
