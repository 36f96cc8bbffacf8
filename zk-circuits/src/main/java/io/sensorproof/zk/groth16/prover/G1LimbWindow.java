package io.sensorproof.zk.groth16.prover;

import io.sensorproof.zk.bn254.Fp;
import io.sensorproof.zk.bn254.G1Jacobian;
import io.sensorproof.zk.bn254.G1Point;

/**
 * {@link G1BatchAffineWindow} on limb arrays: the same Pippenger window with affine buckets and one
 * inversion per batch (Montgomery's trick), but bucket and point coordinates are Montgomery limbs in
 * long arrays and every product goes through {@link FpLimbs}, so the accumulation does not allocate.
 * Bases come as {@code xy[8·i …]}: x then y of base i (all-zero for the point at infinity, which the MSM
 * drops beforehand). Equal x (a doubling, or a point and its negation) takes the object path, as there.
 * The bucket sums at the end (2^{c−1} Jacobian additions) stay on objects.
 */
final class G1LimbWindow {
    private static final int BATCH = 256;
    private static final long[] ONE = {Fp.ONE.l0(), Fp.ONE.l1(), Fp.ONE.l2(), Fp.ONE.l3()};

    private final long[] bx;
    private final long[] by;
    private final boolean[] set;
    private final int[] queued;
    private int stamp = 1;

    private final int[] batchBucket = new int[BATCH];
    private final long[] px = new long[4 * BATCH];
    private final long[] py = new long[4 * BATCH];
    private final long[] dx = new long[4 * BATCH];
    private final long[] prefix = new long[4 * BATCH];
    private final long[] acc = new long[4];
    private final long[] inv = new long[4];
    private final long[] t = new long[4];
    private final long[] lambda = new long[4];
    private final long[] x3 = new long[4];
    private int size;

    private G1LimbWindow(int buckets) {
        bx = new long[4 * buckets];
        by = new long[4 * buckets];
        set = new boolean[buckets];
        queued = new int[buckets];
    }

    /** The bases as limbs, x then y, 8 longs per point (what {@link #sum} takes). */
    static long[] limbs(G1Point[] bases) {
        long[] xy = new long[8 * bases.length];
        for (int i = 0; i < bases.length; i++) {
            if (!bases[i].infinity()) {
                FpLimbs.set(bases[i].x(), xy, 8 * i);
                FpLimbs.set(bases[i].y(), xy, 8 * i + 4);
            }
        }
        return xy;
    }

    /** Σ_d d·B_d for window w, as {@code Msm.windowSum} computes it. */
    static G1Jacobian sum(long[] xy, int[] index, int[] digits, int count, int w, int c) {
        G1LimbWindow window = new G1LimbWindow(1 << (c - 1));
        int offset = w * count;
        int[] waiting = new int[count];
        int waitingCount = 0;
        for (int k = 0; k < count; k++) {
            int d = digits[offset + k];
            if (d != 0 && !window.offer(d, xy, 8 * index[k])) {
                waiting[waitingCount++] = k;
            }
        }
        while (waitingCount > 0) {
            window.flush();
            int still = 0;
            for (int j = 0; j < waitingCount; j++) {
                int k = waiting[j];
                if (!window.offer(digits[offset + k], xy, 8 * index[k])) {
                    waiting[still++] = k;
                }
            }
            waitingCount = still;
        }
        window.flush();
        return window.reduce();
    }

    /** Queues bucket |d| += ±P (P at xy[at …]); false if that bucket is already queued in this batch. */
    private boolean offer(int d, long[] xy, int at) {
        int b = d > 0 ? d - 1 : -d - 1;
        if (queued[b] == stamp) {
            return false;
        }
        int s = 4 * size;
        FpLimbs.copy(xy, at, px, s);
        if (d > 0) {
            FpLimbs.copy(xy, at + 4, py, s);
        } else {
            FpLimbs.neg(xy, at + 4, py, s);
        }
        int bb = 4 * b;
        if (!set[b]) {
            FpLimbs.copy(px, s, bx, bb);
            FpLimbs.copy(py, s, by, bb);
            set[b] = true;
            return true;
        }
        FpLimbs.sub(px, s, bx, bb, dx, s);
        if (FpLimbs.isZero(dx, s)) {
            // doubling or P + (−P): rare, done on objects
            G1Point sum = G1Point.of(FpLimbs.get(bx, bb), FpLimbs.get(by, bb)).add(G1Point.of(FpLimbs.get(px, s), FpLimbs.get(py, s)));
            if (sum.infinity()) {
                set[b] = false;
            } else {
                FpLimbs.set(sum.x(), bx, bb);
                FpLimbs.set(sum.y(), by, bb);
            }
            return true;
        }
        queued[b] = stamp;
        batchBucket[size] = b;
        size++;
        if (size == BATCH) {
            flush();
        }
        return true;
    }

    /** Applies the queued additions with one inversion for all of them. */
    private void flush() {
        if (size == 0) {
            stamp++;
            return;
        }
        FpLimbs.copy(ONE, 0, acc, 0);
        for (int i = 0; i < size; i++) {
            FpLimbs.copy(acc, 0, prefix, 4 * i);
            FpLimbs.mul(acc, 0, dx, 4 * i, acc, 0);
        }
        FpLimbs.set(BaseFieldInverse.of(FpLimbs.get(acc, 0)), inv, 0);
        for (int i = size - 1; i >= 0; i--) {
            int s = 4 * i;
            int bb = 4 * batchBucket[i];
            // t = 1/dx_i; inv = inv·dx_i
            FpLimbs.mul(inv, 0, prefix, s, t, 0);
            FpLimbs.mul(inv, 0, dx, s, inv, 0);
            // λ = (y_P − y_B)/(x_P − x_B)
            FpLimbs.sub(py, s, by, bb, lambda, 0);
            FpLimbs.mul(lambda, 0, t, 0, lambda, 0);
            // x3 = λ² − x_B − x_P
            FpLimbs.mul(lambda, 0, lambda, 0, x3, 0);
            FpLimbs.sub(x3, 0, bx, bb, x3, 0);
            FpLimbs.sub(x3, 0, px, s, x3, 0);
            // y3 = λ·(x_B − x3) − y_B
            FpLimbs.sub(bx, bb, x3, 0, t, 0);
            FpLimbs.mul(lambda, 0, t, 0, t, 0);
            FpLimbs.sub(t, 0, by, bb, by, bb);
            FpLimbs.copy(x3, 0, bx, bb);
        }
        size = 0;
        stamp++;
    }

    private G1Jacobian reduce() {
        G1Jacobian running = G1Jacobian.INFINITY;
        G1Jacobian total = G1Jacobian.INFINITY;
        for (int b = set.length - 1; b >= 0; b--) {
            if (set[b]) {
                running = running.addMixed(G1Point.of(FpLimbs.get(bx, 4 * b), FpLimbs.get(by, 4 * b)));
            }
            total = CurveOps.addJacobian(total, running);
        }
        return total;
    }
}
