package io.sensorproof.zk.groth16.prover;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/**
 * Multi-scalar multiplication Σ kᵢ·Pᵢ by the bucket method (Pippenger) with signed digits:
 * each scalar is rewritten as Σ_w d_w·2^{cw} with d_w ∈ [−2^{c−1}, 2^{c−1}] (a digit above half
 * the window borrows one from the next window), so a window needs 2^{c−1} buckets and a
 * negative digit adds the negated (affine, hence free) point. Per window each point is
 * mixed-added (Jacobian + affine) into the bucket of |d|, and the buckets are summed as
 * Σ d·B_d with two running sums; windows are combined with c doublings each. Windows are
 * independent, so they run as parallel tasks.
 *
 * <p>Before the buckets, scalars 0 are dropped and scalars 1 are added directly (witnesses are
 * full of bits), and only windows up to the longest remaining scalar are processed.
 *
 * <p>Scalars are canonical 256-bit integers as four little-endian limbs each, in
 * {@code limbs[4·(offset + i)…]} for point i.
 */
public final class Msm {
    /** Windows with affine buckets and batched inversions ({@link G1BatchAffineWindow}, {@link G2BatchAffineWindow}); off only to compare. */
    static volatile boolean batchAffine = true;

    private Msm() {
    }

    /**
     * The former collision handling of the batch-affine windows (retry until every point fits a batch: quadratic
     * for windows with few distinct digits), kept only for the benchmark's before/after comparison.
     */
    static volatile boolean retryUntilFits = false;

    /**
     * c = ⌊log₂ n⌋ − windowOffset: 3 since the sweep of 2026-12-04 (G1, thread CPU time, n = 13,000: offsets 2 and 3
     * within noise; n = 32,768: 665 ms at 3 against 721 ms at 2); changed otherwise only by the benchmark.
     */
    static volatile int windowOffset = 3;

    /** The window width for n points: about log₂ n − 3, from 2 to 16. */
    static int window(int n) {
        if (n < 16) {
            return 2;
        }
        int log = 31 - Integer.numberOfLeadingZeros(n);
        return Math.max(2, Math.min(16, log - windowOffset));
    }

    /**
     * Σ scalar_i · bases[i] for i &lt; bases.length, scalar_i read at limbs[4·(offset + i)].
     *
     * @param pool where window tasks run; null runs everything on the calling thread
     */
    public static <J, A> J msm(CurveOps<J, A> ops, A[] bases, long[] limbs, int offset, ForkJoinPool pool) {
        int n = bases.length;
        if (limbs.length < 4L * (offset + n)) {
            throw new IllegalArgumentException("fewer scalars than bases");
        }
        int[] index = new int[n];
        int m = 0;
        J ones = ops.zero();
        int maxBits = 0;
        for (int i = 0; i < n; i++) {
            if (ops.isInfinity(bases[i])) {
                continue;
            }
            int at = 4 * (offset + i);
            long l0 = limbs[at];
            long l1 = limbs[at + 1];
            long l2 = limbs[at + 2];
            long l3 = limbs[at + 3];
            if ((l1 | l2 | l3) == 0 && (l0 == 0 || l0 == 1)) {
                if (l0 == 1) {
                    ones = ops.addMixed(ones, bases[i]);
                }
                continue;
            }
            index[m++] = i;
            maxBits = Math.max(maxBits, bitLength(l0, l1, l2, l3));
        }
        if (m == 0) {
            return ones;
        }
        int c = window(m);
        // one spare bit so that the last window never borrows
        int windows = maxBits / c + 1;
        int[] digits = signedDigits(limbs, offset, index, m, c, windows);
        final int count = m;
        List<J> sums = new ArrayList<>(windows);
        if (pool == null || pool.getParallelism() <= 1 || windows == 1) {
            for (int w = 0; w < windows; w++) {
                sums.add(windowSum(ops, bases, index, digits, count, w, c));
            }
        } else {
            List<ForkJoinTask<J>> tasks = new ArrayList<>(windows);
            for (int w = 0; w < windows; w++) {
                final int window = w;
                tasks.add(pool.submit(() -> windowSum(ops, bases, index, digits, count, window, c)));
            }
            for (int w = 0; w < windows; w++) {
                sums.add(tasks.get(w).join());
            }
        }
        J result = ops.zero();
        for (int w = windows - 1; w >= 0; w--) {
            for (int k = 0; k < c; k++) {
                result = ops.dbl(result);
            }
            result = ops.add(result, sums.get(w));
        }
        return ops.add(result, ones);
    }

    /**
     * Σ scalar_i · bases[i] as {@link #msm}, with the bases' fixed-base table (entry i·W + w = 2^{c·w}·bases[i]):
     * every non-zero signed digit d of scalar i in window w adds ±(entry i·W + w) to bucket |d| of one bucket set
     * shared by all windows, reduced once. The (point, window) pairs are split into as many ranges as the pool has
     * threads, each with its own buckets. Falls back to {@link #msm} if a scalar is wider than the table.
     */
    public static <J, A> J msmFixed(CurveOps<J, A> ops, A[] bases, FixedBaseTable<A> table, long[] limbs, int offset, ForkJoinPool pool) {
        int n = bases.length;
        if (limbs.length < 4L * (offset + n)) {
            throw new IllegalArgumentException("fewer scalars than bases");
        }
        if (table.size != (long) n * table.windows) {
            throw new IllegalArgumentException("table of other bases");
        }
        if (!table.complete) {
            // a B₂ base outside the subgroup (not checked on load) has an infinity in its table
            return msm(ops, bases, limbs, offset, pool);
        }
        int c = table.c;
        int stride = table.windows;
        int half = 1 << (c - 1);
        int full = 1 << c;
        int[] flatIndex = new int[Math.max(16, n * 4)];
        int[] flatDigit = new int[flatIndex.length];
        int size = 0;
        J ones = ops.zero();
        for (int i = 0; i < n; i++) {
            if (ops.isInfinity(bases[i])) {
                continue;
            }
            int at = 4 * (offset + i);
            long l0 = limbs[at];
            long l1 = limbs[at + 1];
            long l2 = limbs[at + 2];
            long l3 = limbs[at + 3];
            if ((l1 | l2 | l3) == 0 && (l0 == 0 || l0 == 1)) {
                if (l0 == 1) {
                    ones = ops.addMixed(ones, bases[i]);
                }
                continue;
            }
            // one spare window so that the last never borrows
            int windows = bitLength(l0, l1, l2, l3) / c + 1;
            if (windows > stride) {
                return msm(ops, bases, limbs, offset, pool);
            }
            if (size + windows > flatIndex.length) {
                int grown = Math.max(flatIndex.length * 2, size + windows);
                flatIndex = Arrays.copyOf(flatIndex, grown);
                flatDigit = Arrays.copyOf(flatDigit, grown);
            }
            int carry = 0;
            for (int w = 0; w < windows; w++) {
                int d = digit(limbs, at, w * c, c) + carry;
                if (d > half) {
                    d -= full;
                    carry = 1;
                } else {
                    carry = 0;
                }
                if (d != 0) {
                    flatIndex[size] = i * stride + w;
                    flatDigit[size] = d;
                    size++;
                }
            }
            if (carry != 0) {
                throw new IllegalStateException("scalar wider than the windows");
            }
        }
        if (size == 0) {
            return ones;
        }
        final int[] index = flatIndex;
        final int[] digits = flatDigit;
        final int total = size;
        int parts = pool == null ? 1 : Math.max(1, Math.min(pool.getParallelism(), total / 1024));
        J result = ops.zero();
        if (parts == 1) {
            result = rangeSum(ops, table, index, digits, 0, total, c);
        } else {
            List<ForkJoinTask<J>> tasks = new ArrayList<>(parts);
            for (int t = 0; t < parts; t++) {
                int from = (int) ((long) total * t / parts);
                int to = (int) ((long) total * (t + 1) / parts);
                tasks.add(pool.submit(() -> rangeSum(ops, table, index, digits, from, to, c)));
            }
            for (ForkJoinTask<J> task : tasks) {
                result = ops.add(result, task.join());
            }
        }
        return ops.add(result, ones);
    }

    /** Σ_d d·B_d over the pairs [from, to): point table entry index[j], signed digit digits[j]. */
    @SuppressWarnings("unchecked")
    private static <J, A> J rangeSum(CurveOps<J, A> ops, FixedBaseTable<A> table, int[] index, int[] digits, int from, int to, int c) {
        if (ops == CurveOps.G1 && batchAffine) {
            return (J) G1BatchAffineWindow.sum((FixedBaseTable<io.sensorproof.zk.bn254.G1Point>) table, index, digits, from, to - from, c);
        }
        if (ops == CurveOps.G2 && batchAffine) {
            return (J) G2BatchAffineWindow.sum((FixedBaseTable<io.sensorproof.zk.bn254.G2Point>) table, index, digits, from, to - from, c);
        }
        J[] buckets = (J[]) new Object[1 << (c - 1)];
        J zero = ops.zero();
        Arrays.fill(buckets, zero);
        for (int j = from; j < to; j++) {
            int d = digits[j];
            A p = table.point(index[j]);
            if (d > 0) {
                buckets[d - 1] = ops.addMixed(buckets[d - 1], p);
            } else {
                buckets[-d - 1] = ops.addMixed(buckets[-d - 1], ops.negate(p));
            }
        }
        J running = zero;
        J sum = zero;
        for (int d = buckets.length - 1; d >= 0; d--) {
            running = ops.add(running, buckets[d]);
            sum = ops.add(sum, running);
        }
        return sum;
    }

    /** digits[w·count + k] is the signed digit of scalar index[k] in window w. */
    static int[] signedDigits(long[] limbs, int offset, int[] index, int count, int c, int windows) {
        int[] digits = new int[windows * count];
        int half = 1 << (c - 1);
        int full = 1 << c;
        for (int k = 0; k < count; k++) {
            int at = 4 * (offset + index[k]);
            int carry = 0;
            for (int w = 0; w < windows; w++) {
                int d = digit(limbs, at, w * c, c) + carry;
                if (d > half) {
                    d -= full;
                    carry = 1;
                } else {
                    carry = 0;
                }
                digits[w * count + k] = d;
            }
            if (carry != 0) {
                throw new IllegalStateException("scalar wider than the windows");
            }
        }
        return digits;
    }

    /** Σ_d d·B_d for window w: B_d the sum of the points whose digit in window w is ±d (negated for −d). */
    @SuppressWarnings("unchecked")
    private static <J, A> J windowSum(CurveOps<J, A> ops, A[] bases, int[] index, int[] digits, int count, int w, int c) {
        if (ops == CurveOps.G1 && batchAffine) {
            return (J) G1BatchAffineWindow.sum((io.sensorproof.zk.bn254.G1Point[]) bases, index, digits, count, w, c);
        }
        if (ops == CurveOps.G2 && batchAffine) {
            return (J) G2BatchAffineWindow.sum((io.sensorproof.zk.bn254.G2Point[]) bases, index, digits, count, w, c);
        }
        J[] buckets = (J[]) new Object[1 << (c - 1)];
        J zero = ops.zero();
        Arrays.fill(buckets, zero);
        int base = w * count;
        for (int k = 0; k < count; k++) {
            int d = digits[base + k];
            if (d > 0) {
                buckets[d - 1] = ops.addMixed(buckets[d - 1], bases[index[k]]);
            } else if (d < 0) {
                buckets[-d - 1] = ops.addMixed(buckets[-d - 1], ops.negate(bases[index[k]]));
            }
        }
        J running = zero;
        J total = zero;
        for (int d = buckets.length - 1; d >= 0; d--) {
            running = ops.add(running, buckets[d]);
            total = ops.add(total, running);
        }
        return total;
    }

    /** Bits [bit, bit + c) of the 256-bit scalar at limbs[at…at+3] (zero beyond bit 255). */
    static int digit(long[] limbs, int at, int bit, int c) {
        int limb = bit >>> 6;
        if (limb > 3) {
            return 0;
        }
        int shift = bit & 63;
        long v = limbs[at + limb] >>> shift;
        if (shift + c > 64 && limb < 3) {
            v |= limbs[at + limb + 1] << (64 - shift);
        }
        return (int) (v & ((1L << c) - 1));
    }

    private static int bitLength(long l0, long l1, long l2, long l3) {
        if (l3 != 0) {
            return 256 - Long.numberOfLeadingZeros(l3);
        }
        if (l2 != 0) {
            return 192 - Long.numberOfLeadingZeros(l2);
        }
        if (l1 != 0) {
            return 128 - Long.numberOfLeadingZeros(l1);
        }
        return 64 - Long.numberOfLeadingZeros(l0);
    }
}
