package io.sensorproof.zk.groth16.prover;

import io.sensorproof.zk.bn254.Fp;
import io.sensorproof.zk.bn254.G1Jacobian;
import io.sensorproof.zk.bn254.G1Point;

/**
 * One Pippenger window in G1 with affine buckets and batched inversions: bucket additions
 * are queued, and a batch of them shares one field inversion (Montgomery's trick), so an
 * affine addition costs about 6 multiplications instead of the 11 of a mixed Jacobian addition.
 * A bucket appears at most once per batch; a point whose bucket is already queued waits for
 * the next batch, and if it collides again it is added to the bucket's Jacobian overflow (no rescans). Equal x (doubling, or a point and its negation) takes the plain path.
 */
final class G1BatchAffineWindow {
    private static final int BATCH = 256;

    private final Fp[] bx;
    private final Fp[] by;
    private final boolean[] set;
    private final int[] queued;
    private int stamp = 1;
    /** Jacobian overflow per bucket (points whose bucket was queued twice over), null until needed. */
    private G1Jacobian[] extra;

    private final int[] batchBucket = new int[BATCH];
    private final G1Point[] batchPoint = new G1Point[BATCH];
    private final Fp[] prefix = new Fp[BATCH];
    private final Fp[] dx = new Fp[BATCH];
    private int size;

    private G1BatchAffineWindow(int buckets) {
        bx = new Fp[buckets];
        by = new Fp[buckets];
        set = new boolean[buckets];
        queued = new int[buckets];
    }

    /** Σ_d d·B_d for window w, as {@code Msm.windowSum} computes it. */
    static G1Jacobian sum(G1Point[] bases, int[] index, int[] digits, int count, int w, int c) {
        return sum(bases, index, 0, digits, w * count, count, c);
    }

    /** Σ_d d·B_d over pairs [from, from + count) of a fixed-base MSM: point table entry index[j], digit digits[j]; one bucket set. */
    static G1Jacobian sum(FixedBaseTable<G1Point> table, int[] index, int[] digits, int from, int count, int c) {
        return sum(k -> table.g1(index[from + k]), digits, from, count, c);
    }

    private static G1Jacobian sum(G1Point[] bases, int[] index, int indexAt, int[] digits, int digitAt, int count, int c) {
        return sum(k -> bases[index[indexAt + k]], digits, digitAt, count, c);
    }

    /**
     * Σ_d d·B_d where point k &lt; count is point.apply(k) with digit digits[digitAt + k] (|digit| ≤ 2^{c−1}): one window
     * of the per-window method, or a range of a fixed-base MSM's (point, window) pairs, all in one bucket set
     * ({@link Msm#msmFixed}).
     */
    private static G1Jacobian sum(java.util.function.IntFunction<G1Point> point, int[] digits, int digitAt, int count, int c) {
        G1BatchAffineWindow window = new G1BatchAffineWindow(1 << (c - 1));
        int offset = digitAt;
        int[] waiting = new int[count];
        int waitingCount = 0;
        for (int k = 0; k < count; k++) {
            int d = digits[offset + k];
            if (d != 0 && !window.offer(d, point.apply(k))) {
                waiting[waitingCount++] = k;
            }
        }
        // One retry after a flush; a point whose bucket is still queued goes to that bucket's Jacobian overflow.
        // (Retrying until all fit made a window with few distinct digits — the top window of every MSM, whose
        // digits come from the last one or two bits — flush once per point and rescan the waiting list each
        // time: quadratic in the number of points.)
        while (Msm.retryUntilFits && waitingCount > 0) {
            window.flush();
            int still = 0;
            for (int j = 0; j < waitingCount; j++) {
                int k = waiting[j];
                if (!window.offer(digits[offset + k], point.apply(k))) {
                    waiting[still++] = k;
                }
            }
            waitingCount = still;
        }
        if (waitingCount > 0) {
            window.flush();
            for (int j = 0; j < waitingCount; j++) {
                int k = waiting[j];
                int d = digits[offset + k];
                if (!window.offer(d, point.apply(k))) {
                    window.overflow(d, point.apply(k));
                }
            }
        }
        window.flush();
        return window.reduce();
    }

    /** Queues bucket |d| += ±P; false if that bucket is already queued in this batch. */
    private boolean offer(int d, G1Point base) {
        int b = d > 0 ? d - 1 : -d - 1;
        if (queued[b] == stamp) {
            return false;
        }
        G1Point p = d > 0 ? base : base.neg();
        if (!set[b]) {
            bx[b] = p.x();
            by[b] = p.y();
            set[b] = true;
            return true;
        }
        Fp delta = p.x().sub(bx[b]);
        if (delta.isZero()) {
            // doubling or P + (−P): rare, done directly
            G1Point sum = G1Point.of(bx[b], by[b]).add(p);
            if (sum.infinity()) {
                set[b] = false;
            } else {
                bx[b] = sum.x();
                by[b] = sum.y();
            }
            return true;
        }
        queued[b] = stamp;
        batchBucket[size] = b;
        batchPoint[size] = p;
        dx[size] = delta;
        size++;
        if (size == BATCH) {
            flush();
        }
        return true;
    }

    /** Bucket |d| += ±P by a mixed Jacobian addition, kept apart from the affine bucket until the end. */
    private void overflow(int d, G1Point base) {
        int b = d > 0 ? d - 1 : -d - 1;
        if (extra == null) {
            extra = new G1Jacobian[set.length];
            java.util.Arrays.fill(extra, G1Jacobian.INFINITY);
        }
        extra[b] = extra[b].addMixed(d > 0 ? base : base.neg());
    }

    /** Applies the queued additions with one inversion for all of them. */
    private void flush() {
        if (size == 0) {
            stamp++;
            return;
        }
        Fp acc = Fp.ONE;
        for (int i = 0; i < size; i++) {
            prefix[i] = acc;
            acc = acc.mul(dx[i]);
        }
        Fp inv = BaseFieldInverse.of(acc);
        for (int i = size - 1; i >= 0; i--) {
            Fp dxInv = inv.mul(prefix[i]);
            inv = inv.mul(dx[i]);
            int b = batchBucket[i];
            G1Point p = batchPoint[i];
            Fp lambda = p.y().sub(by[b]).mul(dxInv);
            Fp x3 = lambda.square().sub(bx[b]).sub(p.x());
            Fp y3 = lambda.mul(bx[b].sub(x3)).sub(by[b]);
            bx[b] = x3;
            by[b] = y3;
            batchPoint[i] = null;
        }
        size = 0;
        stamp++;
    }

    private G1Jacobian reduce() {
        G1Jacobian running = G1Jacobian.INFINITY;
        G1Jacobian total = G1Jacobian.INFINITY;
        for (int b = bx.length - 1; b >= 0; b--) {
            if (set[b]) {
                running = running.addMixed(G1Point.of(bx[b], by[b]));
            }
            if (extra != null && !extra[b].isInfinity()) {
                running = CurveOps.addJacobian(running, extra[b]);
            }
            total = CurveOps.addJacobian(total, running);
        }
        return total;
    }
}
