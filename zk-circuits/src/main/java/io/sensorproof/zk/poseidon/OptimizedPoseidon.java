package io.sensorproof.zk.poseidon;

import io.sensorproof.zk.bn254.Scalar;
import io.sensorproof.zk.groth16.prover.Fr;
import java.math.BigInteger;
import java.util.List;

/**
 * Poseidon in Montgomery arithmetic on long limbs ({@link Fr}'s limb-array form; no allocation per
 * round) with the standard optimisation of the partial rounds (Grassi et al., "Poseidon", appendix B;
 * what circomlib's {@code poseidon_constants_opt} holds), derived here at class load from the
 * constants {@link ReferencePoseidon} uses — nothing is pasted:
 *
 * <ol>
 *   <li><b>Constants.</b> In a partial round only element 0 goes through x⁵, so the constants added to
 *       elements 1 … t−1 commute with it: round i adds e = c_i + carry, keeps e₀ as its one scalar
 *       constant and passes carry = M·(0, e₁ … e_{t−1}) on to the next round; the carry left after
 *       the last partial round is added to the constants of the next full round.</li>
 *   <li><b>Matrices.</b> With the mix L = [[a, bᵀ], [c, D]] (a scalar, D of size t−1), L = Ŝ·B with
 *       B = diag(1, D) and the sparse Ŝ = [[a, bᵀD⁻¹], [c, I]] (2t − 1 products instead of t²). B leaves
 *       element 0 alone, so it commutes with x⁵ on element 0 and with adding a constant to it, and moves
 *       into the previous round's mix (L ← B·M), from the last partial round back to the first; the
 *       last factor joins the mix of the full round before the partial rounds (P = B₀·M).</li>
 *   <li>The last full round's mix computes element 0 only (the output).</li>
 * </ol>
 *
 * The differential test against {@link ReferencePoseidon} (every width, random inputs) and
 * ZoKrates' vectors is what says the derivation is right. Inputs must already be checked
 * ({@link Poseidon#check}).
 */
final class OptimizedPoseidon {
    private static final BigInteger R = Scalar.ORDER;
    private static final Plan[] PLANS = new Plan[Poseidon.MAX_INPUTS];

    static {
        for (int k = 0; k < Poseidon.MAX_INPUTS; k++) {
            PLANS[k] = Plan.derive(k + 2, PoseidonConstants.FULL_ROUNDS, PoseidonConstants.PARTIAL_ROUNDS[k],
                    PoseidonConstants.C[k], PoseidonConstants.M[k]);
        }
    }

    private OptimizedPoseidon() {
    }

    /** Element i of a limb array is at 4·i. */
    private static final int L = 4;

    static BigInteger hash(List<BigInteger> inputs) {
        Plan p = PLANS[inputs.size() - 1];
        int t = p.t;
        long[] s = new long[L * t];
        long[] scratch = new long[L * t + 2 * L];
        for (int i = 1; i < t; i++) {
            Fr.toMontgomeryLimbs(inputs.get(i - 1), s, L * i);
        }
        int half = p.fullRounds / 2;
        for (int r = 0; r < half; r++) {
            addConstantsAndSbox(s, p.fullConstants, r * t * L, t, scratch);
            mix(s, r == half - 1 ? p.preSparse : p.mds, t, scratch);
        }
        int width = 2 * t - 1;
        for (int r = 0; r < p.partialRounds; r++) {
            Fr.addLimbs(s, 0, p.partialConstants, r * L, s, 0);
            pow5(s, 0, scratch);
            sparseMix(s, p.sparse, r * width * L, t, scratch);
        }
        for (int r = half; r < p.fullRounds; r++) {
            addConstantsAndSbox(s, p.fullConstants, r * t * L, t, scratch);
            if (r < p.fullRounds - 1) {
                mix(s, p.mds, t, scratch);
            } else {
                dot(p.mds, 0, s, t, scratch, 0, scratch);
            }
        }
        return Fr.fromMontgomeryLimbs(scratch, 0);
    }

    private static void addConstantsAndSbox(long[] s, long[] constants, int offset, int t, long[] scratch) {
        for (int i = 0; i < t; i++) {
            Fr.addLimbs(s, L * i, constants, offset + L * i, s, L * i);
            pow5(s, L * i, scratch);
        }
    }

    /** s[at] ← s[at]⁵, using the last element of scratch. */
    private static void pow5(long[] s, int at, long[] scratch) {
        int x2 = scratch.length - L;
        Fr.mulLimbs(s, at, s, at, scratch, x2);
        Fr.mulLimbs(scratch, x2, scratch, x2, scratch, x2);
        Fr.mulLimbs(scratch, x2, s, at, s, at);
    }

    /** out[outAt] = Σ_j v[base + j]·s[j] over t elements; uses the last element of scratch. */
    private static void dot(long[] v, int base, long[] s, int t, long[] out, int outAt, long[] scratch) {
        int product = scratch.length - L;
        Fr.mulLimbs(v, base, s, 0, out, outAt);
        for (int j = 1; j < t; j++) {
            Fr.mulLimbs(v, base + L * j, s, L * j, scratch, product);
            Fr.addLimbs(out, outAt, scratch, product, out, outAt);
        }
    }

    /** s ← matrix·s (dense, row-major t × t). */
    private static void mix(long[] s, long[] matrix, int t, long[] scratch) {
        for (int i = 0; i < t; i++) {
            dot(matrix, i * t * L, s, t, scratch, L * i, scratch);
        }
        System.arraycopy(scratch, 0, s, 0, L * t);
    }

    /**
     * s ← Ŝ·s for the sparse Ŝ = [[a, w], [c, I]] stored at offset as a, w₁ … w_{t−1}, c₁ … c_{t−1}:
     * s₀' = a·s₀ + Σ w_j·s_j, s_k' = s_k + c_k·s₀.
     */
    private static void sparseMix(long[] s, long[] sparse, int offset, int t, long[] scratch) {
        int product = scratch.length - L;
        dot(sparse, offset, s, t, scratch, 0, scratch);
        for (int k = 1; k < t; k++) {
            Fr.mulLimbs(sparse, offset + L * (t - 1 + k), s, 0, scratch, product);
            Fr.addLimbs(s, L * k, scratch, product, s, L * k);
        }
        System.arraycopy(scratch, 0, s, 0, L);
    }

    /** The constants of one width in Montgomery limbs, derived from the round constants and MDS matrix. */
    static final class Plan {
        final int t;
        final int fullRounds;
        final int partialRounds;
        /** fullRounds × t: the constants of the full rounds in order (the carry of the partial rounds folded into the first after them). */
        final long[] fullConstants;
        /** partialRounds: the one constant of each partial round, added to element 0 before x⁵. */
        final long[] partialConstants;
        /** t × t row-major: the MDS matrix. */
        final long[] mds;
        /** t × t: the mix of the last full round before the partial rounds, B₀·M. */
        final long[] preSparse;
        /** partialRounds × (2t − 1): a, w₁ … w_{t−1}, c₁ … c_{t−1} of each round's sparse matrix. */
        final long[] sparse;

        private Plan(int t, int fullRounds, int partialRounds, BigInteger[][] full, BigInteger[] partial, BigInteger[][] m,
                BigInteger[][] pre, BigInteger[][] sparseRows) {
            this.t = t;
            this.fullRounds = fullRounds;
            this.partialRounds = partialRounds;
            this.fullConstants = limbs(flatten(full));
            this.partialConstants = limbs(partial);
            this.mds = limbs(flatten(m));
            this.preSparse = limbs(flatten(pre));
            this.sparse = limbs(flatten(sparseRows));
        }

        static Plan derive(int t, int fullRounds, int partialRounds, BigInteger[] c, BigInteger[][] m) {
            int half = fullRounds / 2;
            BigInteger[][] full = new BigInteger[fullRounds][t];
            for (int r = 0; r < fullRounds; r++) {
                int round = r < half ? r : r + partialRounds;
                for (int i = 0; i < t; i++) {
                    full[r][i] = c[round * t + i];
                }
            }
            // 1. constants of the partial rounds: one scalar each, the rest carried forward through M
            BigInteger[] partial = new BigInteger[partialRounds];
            BigInteger[] carry = zeros(t);
            for (int r = 0; r < partialRounds; r++) {
                BigInteger[] e = new BigInteger[t];
                for (int i = 0; i < t; i++) {
                    e[i] = c[(half + r) * t + i].add(carry[i]).mod(R);
                }
                partial[r] = e[0];
                e[0] = BigInteger.ZERO;
                carry = times(m, e);
            }
            for (int i = 0; i < t; i++) {
                full[half][i] = full[half][i].add(carry[i]).mod(R);
            }
            // 2. matrices of the partial rounds, last to first: L = Ŝ·B, B = diag(1, D) into the round before
            BigInteger[][] sparseRows = new BigInteger[partialRounds][];
            BigInteger[][] l = m;
            for (int r = partialRounds - 1; r >= 0; r--) {
                BigInteger[][] d = new BigInteger[t - 1][t - 1];
                for (int i = 1; i < t; i++) {
                    for (int j = 1; j < t; j++) {
                        d[i - 1][j - 1] = l[i][j];
                    }
                }
                BigInteger[][] dInverse = inverse(d);
                BigInteger[] row = new BigInteger[2 * t - 1];
                row[0] = l[0][0];
                for (int j = 1; j < t; j++) {
                    BigInteger w = BigInteger.ZERO;
                    for (int k = 1; k < t; k++) {
                        w = w.add(l[0][k].multiply(dInverse[k - 1][j - 1]));
                    }
                    row[j] = w.mod(R);
                    row[t - 1 + j] = l[j][0];
                }
                sparseRows[r] = row;
                // B·M: row 0 of M unchanged, rows 1 … t−1 are D times M's rows 1 … t−1
                BigInteger[][] next = new BigInteger[t][t];
                next[0] = m[0].clone();
                for (int i = 1; i < t; i++) {
                    for (int j = 0; j < t; j++) {
                        BigInteger acc = BigInteger.ZERO;
                        for (int k = 1; k < t; k++) {
                            acc = acc.add(d[i - 1][k - 1].multiply(m[k][j]));
                        }
                        next[i][j] = acc.mod(R);
                    }
                }
                l = next;
            }
            return new Plan(t, fullRounds, partialRounds, full, partial, m, l, sparseRows);
        }

        private static BigInteger[] zeros(int n) {
            BigInteger[] z = new BigInteger[n];
            java.util.Arrays.fill(z, BigInteger.ZERO);
            return z;
        }

        private static BigInteger[] times(BigInteger[][] m, BigInteger[] v) {
            BigInteger[] out = new BigInteger[v.length];
            for (int i = 0; i < v.length; i++) {
                BigInteger acc = BigInteger.ZERO;
                for (int j = 0; j < v.length; j++) {
                    acc = acc.add(m[i][j].multiply(v[j]));
                }
                out[i] = acc.mod(R);
            }
            return out;
        }

        /** Gauss–Jordan inverse modulo r. */
        static BigInteger[][] inverse(BigInteger[][] a) {
            int n = a.length;
            BigInteger[][] w = new BigInteger[n][2 * n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    w[i][j] = a[i][j].mod(R);
                    w[i][n + j] = i == j ? BigInteger.ONE : BigInteger.ZERO;
                }
            }
            for (int col = 0; col < n; col++) {
                int pivot = col;
                while (pivot < n && w[pivot][col].signum() == 0) {
                    pivot++;
                }
                if (pivot == n) {
                    throw new IllegalStateException("Poseidon: a sub-matrix of the MDS matrix is singular");
                }
                BigInteger[] swap = w[col];
                w[col] = w[pivot];
                w[pivot] = swap;
                BigInteger inv = w[col][col].modInverse(R);
                for (int j = 0; j < 2 * n; j++) {
                    w[col][j] = w[col][j].multiply(inv).mod(R);
                }
                for (int i = 0; i < n; i++) {
                    if (i != col && w[i][col].signum() != 0) {
                        BigInteger f = w[i][col];
                        for (int j = 0; j < 2 * n; j++) {
                            w[i][j] = w[i][j].subtract(f.multiply(w[col][j])).mod(R);
                        }
                    }
                }
            }
            BigInteger[][] out = new BigInteger[n][n];
            for (int i = 0; i < n; i++) {
                System.arraycopy(w[i], n, out[i], 0, n);
            }
            return out;
        }

        private static BigInteger[] flatten(BigInteger[][] rows) {
            return java.util.Arrays.stream(rows).flatMap(java.util.Arrays::stream).toArray(BigInteger[]::new);
        }

        private static long[] limbs(BigInteger[] values) {
            long[] out = new long[L * values.length];
            for (int i = 0; i < values.length; i++) {
                Fr.toMontgomeryLimbs(values[i], out, L * i);
            }
            return out;
        }
    }
}
