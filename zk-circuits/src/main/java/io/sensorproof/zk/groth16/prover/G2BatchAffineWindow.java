package io.sensorproof.zk.groth16.prover;

import io.sensorproof.zk.bn254.Fp2;
import io.sensorproof.zk.bn254.G2Jacobian;
import io.sensorproof.zk.bn254.G2Point;

/**
 * One Pippenger window in G2 (the twist, coordinates in F<sub>p²</sub>) with affine buckets and batched inversions: bucket additions
 * are queued, and a batch of them shares one field inversion (Montgomery's trick), as in
 * {@link G1BatchAffineWindow}.
 * A bucket appears at most once per batch; a point whose bucket is already queued waits for
 * the next batch, and if it collides again it is added to the bucket's Jacobian overflow (no rescans). Equal x (doubling, or a point and its negation) takes the plain path.
 */
final class G2BatchAffineWindow {
    private static final int BATCH = 256;

    private final Fp2[] bx;
    private final Fp2[] by;
    private final boolean[] set;
    private final int[] queued;
    private int stamp = 1;
    /** Jacobian overflow per bucket (points whose bucket was queued twice over), null until needed. */
    private G2Jacobian[] extra;

    private final int[] batchBucket = new int[BATCH];
    private final G2Point[] batchPoint = new G2Point[BATCH];
    private final Fp2[] prefix = new Fp2[BATCH];
    private final Fp2[] dx = new Fp2[BATCH];
    private int size;

    private G2BatchAffineWindow(int buckets) {
        bx = new Fp2[buckets];
        by = new Fp2[buckets];
        set = new boolean[buckets];
        queued = new int[buckets];
    }

    /** Σ_d d·B_d for window w, as {@code Msm.windowSum} computes it. */
    static G2Jacobian sum(G2Point[] bases, int[] index, int[] digits, int count, int w, int c) {
        return sum(bases, index, 0, digits, w * count, count, c);
    }

    /** Σ_d d·B_d over pairs [from, from + count) of a fixed-base MSM: point table entry index[j], digit digits[j]; one bucket set. */
    static G2Jacobian sum(FixedBaseTable<G2Point> table, int[] index, int[] digits, int from, int count, int c) {
        return sum(k -> table.g2(index[from + k]), digits, from, count, c);
    }

    private static G2Jacobian sum(G2Point[] bases, int[] index, int indexAt, int[] digits, int digitAt, int count, int c) {
        return sum(k -> bases[index[indexAt + k]], digits, digitAt, count, c);
    }

    /**
     * Σ_d d·B_d where point k &lt; count is point.apply(k) with digit digits[digitAt + k] (|digit| ≤ 2^{c−1}): one window
     * of the per-window method, or a range of a fixed-base MSM's (point, window) pairs, all in one bucket set
     * ({@link Msm#msmFixed}).
     */
    private static G2Jacobian sum(java.util.function.IntFunction<G2Point> point, int[] digits, int digitAt, int count, int c) {
        G2BatchAffineWindow window = new G2BatchAffineWindow(1 << (c - 1));
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
    private boolean offer(int d, G2Point base) {
        int b = d > 0 ? d - 1 : -d - 1;
        if (queued[b] == stamp) {
            return false;
        }
        G2Point p = d > 0 ? base : base.neg();
        if (!set[b]) {
            bx[b] = p.x();
            by[b] = p.y();
            set[b] = true;
            return true;
        }
        Fp2 delta = p.x().sub(bx[b]);
        if (delta.isZero()) {
            // doubling or P + (−P): rare, done directly
            G2Point sum = G2Point.of(bx[b], by[b]).add(p);
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
    private void overflow(int d, G2Point base) {
        int b = d > 0 ? d - 1 : -d - 1;
        if (extra == null) {
            extra = new G2Jacobian[set.length];
            java.util.Arrays.fill(extra, G2Jacobian.INFINITY);
        }
        extra[b] = extra[b].addMixed(d > 0 ? base : base.neg());
    }

    /** Applies the queued additions with one inversion for all of them. */
    private void flush() {
        if (size == 0) {
            stamp++;
            return;
        }
        Fp2 acc = Fp2.ONE;
        for (int i = 0; i < size; i++) {
            prefix[i] = acc;
            acc = acc.mul(dx[i]);
        }
        Fp2 inv = BaseFieldInverse.of(acc);
        for (int i = size - 1; i >= 0; i--) {
            Fp2 dxInv = inv.mul(prefix[i]);
            inv = inv.mul(dx[i]);
            int b = batchBucket[i];
            G2Point p = batchPoint[i];
            Fp2 lambda = p.y().sub(by[b]).mul(dxInv);
            Fp2 x3 = lambda.square().sub(bx[b]).sub(p.x());
            Fp2 y3 = lambda.mul(bx[b].sub(x3)).sub(by[b]);
            bx[b] = x3;
            by[b] = y3;
            batchPoint[i] = null;
        }
        size = 0;
        stamp++;
    }

    private G2Jacobian reduce() {
        G2Jacobian running = G2Jacobian.INFINITY;
        G2Jacobian total = G2Jacobian.INFINITY;
        for (int b = bx.length - 1; b >= 0; b--) {
            if (set[b]) {
                running = running.addMixed(G2Point.of(bx[b], by[b]));
            }
            if (extra != null && !extra[b].isInfinity()) {
                running = running.add(extra[b]);
            }
            total = total.add(running);
        }
        return total;
    }
}
