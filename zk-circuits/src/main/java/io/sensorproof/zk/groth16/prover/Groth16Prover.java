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
    /** The fixed-base MSMs once the key's tables are built ({@link ProvingKey#precompute}); off only for the benchmark's comparison. */
    static volatile boolean fixedBase = true;

    private final ForkJoinPool pool;
    private final SecureRandom random;

    private Groth16Prover(int threads, SecureRandom random) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
        this.pool = threads == 1 ? null : new ForkJoinPool(threads);
        this.random = random;
    }

    /** Builds the key's fixed-base tables now on this prover's threads (see {@link ProvingKey#precompute}). */
    public void precompute(ProvingKey key) {
        key.precompute(pool);
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
        long[] w = witness.limbs();
        ProvingKey.FixedBaseTables tables = fixedBase ? key.fixedBaseTablesOrStart() : null;
        long[] msmNanos = new long[5];
        // With a pool, the four witness MSMs start first as pool tasks, and the calling thread computes the QAP, the
        // coset transforms and h meanwhile (they are single-threaded or 3 tasks on 2 threads, so a core idled there);
        // the H MSM needs h and comes last. Without a pool, everything runs in order on this thread.
        ForkJoinTask<G1Jacobian> taskA = null;
        ForkJoinTask<G1Jacobian> taskB1 = null;
        ForkJoinTask<G2Jacobian> taskB2 = null;
        ForkJoinTask<G1Jacobian> taskC = null;
        if (pool != null) {
            taskA = pool.submit(() -> timed(msmNanos, 0, () -> g1(key.pointsA, tables == null ? null : tables.a(), w, 0)));
            taskB1 = pool.submit(() -> timed(msmNanos, 1, () -> g1(key.pointsB1, tables == null ? null : tables.b1(), w, 0)));
            taskB2 = pool.submit(() -> timed(msmNanos, 2, () -> g2(key.pointsB2, tables == null ? null : tables.b2(), w)));
            taskC = pool.submit(() -> timed(msmNanos, 3, () -> g1(key.pointsC, tables == null ? null : tables.c(), w, key.nPublic + 1)));
        }
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
        Ntt.toOddCoset(a);
        Ntt.toOddCoset(b);
        Ntt.toOddCoset(c);
        long[] h = new long[4 * n];
        for (int i = 0; i < n; i++) {
            Fr v = a[i].mul(b[i]).sub(c[i]).fromMontgomery();
            h[4 * i] = v.l0();
            h[4 * i + 1] = v.l1();
            h[4 * i + 2] = v.l2();
            h[4 * i + 3] = v.l3();
        }
        long t2 = System.nanoTime();
        G1Jacobian msmA;
        G1Jacobian msmB1;
        G2Jacobian msmB2;
        G1Jacobian msmC;
        if (pool == null) {
            msmA = timed(msmNanos, 0, () -> g1(key.pointsA, tables == null ? null : tables.a(), w, 0));
            msmB1 = timed(msmNanos, 1, () -> g1(key.pointsB1, tables == null ? null : tables.b1(), w, 0));
            msmB2 = timed(msmNanos, 2, () -> g2(key.pointsB2, tables == null ? null : tables.b2(), w));
            msmC = timed(msmNanos, 3, () -> g1(key.pointsC, tables == null ? null : tables.c(), w, key.nPublic + 1));
        } else {
            msmA = null;
            msmB1 = null;
            msmB2 = null;
            msmC = null;
        }
        G1Jacobian msmH = timed(msmNanos, 4, () -> g1(key.pointsH, tables == null ? null : tables.h(), h, 0));
        if (pool != null) {
            msmA = taskA.join();
            msmB1 = taskB1.join();
            msmB2 = taskB2.join();
            msmC = taskC.join();
        }
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
        return new Proof(piA, piB, piC, inputs, new Proof.Timings(t1 - t0, t2 - t1, t3 - t2,
                new Proof.MsmNanos(msmNanos[0], msmNanos[1], msmNanos[2], msmNanos[3], msmNanos[4]), t4 - t3, 0));
    }

    private G1Jacobian g1(G1Point[] bases, FixedBaseTable<G1Point> table, long[] scalars, int offset) {
        return table != null ? Msm.msmFixed(CurveOps.G1, bases, table, scalars, offset, pool) : Msm.msm(CurveOps.G1, bases, scalars, offset, pool);
    }

    private G2Jacobian g2(G2Point[] bases, FixedBaseTable<G2Point> table, long[] scalars) {
        return table != null ? Msm.msmFixed(CurveOps.G2, bases, table, scalars, 0, pool) : Msm.msm(CurveOps.G2, bases, scalars, 0, pool);
    }

    private static <T> T timed(long[] nanos, int slot, java.util.function.Supplier<T> msm) {
        long start = System.nanoTime();
        T result = msm.get();
        nanos[slot] = System.nanoTime() - start;
        return result;
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
