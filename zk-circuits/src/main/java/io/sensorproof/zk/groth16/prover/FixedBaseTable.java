package io.sensorproof.zk.groth16.prover;

import io.sensorproof.zk.bn254.Fp;
import io.sensorproof.zk.bn254.Fp2;
import io.sensorproof.zk.bn254.G1Jacobian;
import io.sensorproof.zk.bn254.G1Point;
import io.sensorproof.zk.bn254.G2Jacobian;
import io.sensorproof.zk.bn254.G2Point;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/**
 * The fixed-base precomputation of one MSM's bases (a proving key's points are the same for every proof):
 * entry i·windows + w = 2^{c·w}·P_i in affine form, for w &lt; windows = ⌊254 / c⌋ + 1 (enough for
 * every signed-digit expansion of a scalar below r &lt; 2²⁵⁴). With it, Σ kᵢPᵢ = Σ_{i,w} d_{i,w}·(2^{cw}Pᵢ): all
 * windows share one bucket set, so there is one bucket reduction per MSM instead of one per window, no doublings
 * between windows, and c can be larger than the per-window method affords ({@link #window(int)}).
 *
 * <p>Memory: windows affine points per base (20 for the claim circuits' sizes, c = 13), as Montgomery limbs in one
 * {@code long[]}: 64 bytes per G1 entry, 128 per G2 entry. Built once per key
 * ({@link ProvingKey#fixedBaseTables()}), from c doublings per entry in Jacobian coordinates and one batched
 * inversion per base.
 *
 * @param <A> G1Point or G2Point
 */
final class FixedBaseTable<A> {
    /** Bits of the largest scalar (r &lt; 2²⁵⁴). */
    static final int SCALAR_BITS = 254;

    /** Largest c; changed only by the benchmark's sweep. */
    static volatile int maxWindow = 13;

    final int c;
    final int windows;
    /** Number of entries (bases × windows). */
    final int size;
    /** Montgomery limbs per entry: G1 x, y (8); G2 x.c0, x.c1, y.c0, y.c1 (16). Flat, for half the heap of point objects. */
    private final long[] coords;
    private final boolean g2;
    /** False if an entry of a non-infinity base is the infinity (possible only for a B₂ point outside the subgroup). */
    final boolean complete;

    private FixedBaseTable(int c, int windows, int size, long[] coords, boolean g2, boolean complete) {
        this.c = c;
        this.windows = windows;
        this.size = size;
        this.coords = coords;
        this.g2 = g2;
        this.complete = complete;
    }

    /** Entry i·windows + w as a point object (made on access; the MSM queues it in a batch). */
    @SuppressWarnings("unchecked")
    A point(int entry) {
        return g2 ? (A) g2(entry) : (A) g1(entry);
    }

    G1Point g1(int entry) {
        int o = 8 * entry;
        long[] t = coords;
        return G1Point.of(new Fp(t[o], t[o + 1], t[o + 2], t[o + 3]), new Fp(t[o + 4], t[o + 5], t[o + 6], t[o + 7]));
    }

    G2Point g2(int entry) {
        int o = 16 * entry;
        long[] t = coords;
        return G2Point.of(new Fp2(new Fp(t[o], t[o + 1], t[o + 2], t[o + 3]), new Fp(t[o + 4], t[o + 5], t[o + 6], t[o + 7])),
                new Fp2(new Fp(t[o + 8], t[o + 9], t[o + 10], t[o + 11]), new Fp(t[o + 12], t[o + 13], t[o + 14], t[o + 15])));
    }

    private static void put(long[] t, int o, Fp v) {
        t[o] = v.l0();
        t[o + 1] = v.l1();
        t[o + 2] = v.l2();
        t[o + 3] = v.l3();
    }

    private static boolean put(long[] t, int entry, G1Point p) {
        put(t, 8 * entry, p.x());
        put(t, 8 * entry + 4, p.y());
        return !p.infinity();
    }

    private static boolean put(long[] t, int entry, G2Point p) {
        put(t, 16 * entry, p.x().c0());
        put(t, 16 * entry + 4, p.x().c1());
        put(t, 16 * entry + 8, p.y().c0());
        put(t, 16 * entry + 12, p.y().c1());
        return !p.infinity();
    }

    /**
     * c = ⌊log₂ n⌋, 2 to 13 (14 and 15 measured no faster on the 2¹⁵ key: more buckets than the caches hold): per MSM about m·(254/c) bucket additions plus one reduction of 2^{c−1} buckets
     * (two Jacobian additions each, about four affine additions' cost), minimal near c = log₂ m for the claim
     * keys' m of 10⁴ to 3·10⁴ (e.g. m = 10,000: c = 12 → 228k addition-equivalents, 13 → 216k, 14 → 222k).
     */
    static int window(int n) {
        if (n < 4) {
            return 2;
        }
        int log = 31 - Integer.numberOfLeadingZeros(n);
        return Math.max(2, Math.min(maxWindow, log));
    }

    static int windowsFor(int c) {
        return SCALAR_BITS / c + 1;
    }

    /** Bytes of the table's coordinates (limbs only, not object headers), for the memory report. */
    long coordinateBytes() {
        return 8L * coords.length;
    }

    /** Heap of a table for n bases: its coordinates (the limb array) and nothing else. */
    static long estimatedBytes(int n, boolean g2) {
        return (long) n * windowsFor(window(n)) * (g2 ? 128 : 64);
    }

    static FixedBaseTable<G1Point> g1(G1Point[] bases, ForkJoinPool pool) {
        int c = window(bases.length);
        int windows = windowsFor(c);
        long[] coords = new long[Math.multiplyExact(Math.multiplyExact(bases.length, windows), 8)];
        java.util.concurrent.atomic.AtomicBoolean complete = new java.util.concurrent.atomic.AtomicBoolean(true);
        forRanges(bases.length, pool, (from, to) -> {
            G1Jacobian[] chain = new G1Jacobian[windows];
            Fp[] prefix = new Fp[windows];
            G1Point[] out = new G1Point[windows];
            for (int i = from; i < to; i++) {
                fillG1(bases[i], c, chain, prefix, out, 0);
                for (int w = 0; w < windows; w++) {
                    if (!put(coords, i * windows + w, out[w]) && !bases[i].infinity()) {
                        complete.set(false);
                    }
                }
            }
        });
        return new FixedBaseTable<>(c, windows, bases.length * windows, coords, false, complete.get());
    }

    static FixedBaseTable<G2Point> g2(G2Point[] bases, ForkJoinPool pool) {
        int c = window(bases.length);
        int windows = windowsFor(c);
        long[] coords = new long[Math.multiplyExact(Math.multiplyExact(bases.length, windows), 16)];
        java.util.concurrent.atomic.AtomicBoolean complete = new java.util.concurrent.atomic.AtomicBoolean(true);
        forRanges(bases.length, pool, (from, to) -> {
            G2Jacobian[] chain = new G2Jacobian[windows];
            Fp2[] prefix = new Fp2[windows];
            G2Point[] out = new G2Point[windows];
            for (int i = from; i < to; i++) {
                fillG2(bases[i], c, chain, prefix, out, 0);
                for (int w = 0; w < windows; w++) {
                    if (!put(coords, i * windows + w, out[w]) && !bases[i].infinity()) {
                        complete.set(false);
                    }
                }
            }
        });
        return new FixedBaseTable<>(c, windows, bases.length * windows, coords, true, complete.get());
    }

    /** out[at + w] = 2^{c·w}·p, normalised with one inversion (Montgomery's trick over the chain's Z). */
    private static void fillG1(G1Point p, int c, G1Jacobian[] chain, Fp[] prefix, G1Point[] out, int at) {
        int windows = chain.length;
        out[at] = p;
        if (p.infinity()) {
            for (int w = 1; w < windows; w++) {
                out[at + w] = G1Point.INFINITY;
            }
            return;
        }
        G1Jacobian q = p.toJacobian();
        // G1 has prime order r > 2^{c·w}, so no multiple here is the infinity and every Z is non-zero
        Fp acc = Fp.ONE;
        for (int w = 1; w < windows; w++) {
            for (int k = 0; k < c; k++) {
                q = q.dbl();
            }
            chain[w] = q;
            prefix[w] = acc;
            acc = acc.mul(q.z());
        }
        if (acc.isZero()) {
            // not for a validated key; kept so that a table can never hold a wrong point (an infinity marks it incomplete)
            for (int w = 1; w < windows; w++) {
                out[at + w] = chain[w].toAffine();
                chain[w] = null;
            }
            return;
        }
        Fp inv = BaseFieldInverse.of(acc);
        for (int w = windows - 1; w >= 1; w--) {
            G1Jacobian j = chain[w];
            Fp zInv = inv.mul(prefix[w]);
            inv = inv.mul(j.z());
            Fp zInv2 = zInv.square();
            out[at + w] = G1Point.of(j.x().mul(zInv2), j.y().mul(zInv2).mul(zInv));
            chain[w] = null;
        }
    }

    private static void fillG2(G2Point p, int c, G2Jacobian[] chain, Fp2[] prefix, G2Point[] out, int at) {
        int windows = chain.length;
        out[at] = p;
        if (p.infinity()) {
            for (int w = 1; w < windows; w++) {
                out[at + w] = G2Point.INFINITY;
            }
            return;
        }
        G2Jacobian q = p.toJacobian();
        Fp2 acc = Fp2.ONE;
        for (int w = 1; w < windows; w++) {
            for (int k = 0; k < c; k++) {
                q = q.dbl();
            }
            chain[w] = q;
            prefix[w] = acc;
            acc = acc.mul(q.z());
        }
        if (acc.isZero()) {
            // a base outside the order-r subgroup (B₂ points are not subgroup-checked) could reach the infinity
            for (int w = 1; w < windows; w++) {
                out[at + w] = chain[w].toAffine();
                chain[w] = null;
            }
            return;
        }
        Fp2 inv = BaseFieldInverse.of(acc);
        for (int w = windows - 1; w >= 1; w--) {
            G2Jacobian j = chain[w];
            Fp2 zInv = inv.mul(prefix[w]);
            inv = inv.mul(j.z());
            Fp2 zInv2 = zInv.square();
            out[at + w] = G2Point.of(j.x().mul(zInv2), j.y().mul(zInv2).mul(zInv));
            chain[w] = null;
        }
    }

    interface Range {
        void run(int from, int to);
    }

    /** Runs body over [0, n) in as many ranges as the pool has threads (on the calling thread without a pool). */
    static void forRanges(int n, ForkJoinPool pool, Range body) {
        int parts = pool == null ? 1 : Math.max(1, Math.min(pool.getParallelism(), n));
        if (parts == 1) {
            body.run(0, n);
            return;
        }
        List<ForkJoinTask<?>> tasks = new ArrayList<>(parts);
        for (int t = 0; t < parts; t++) {
            int from = (int) ((long) n * t / parts);
            int to = (int) ((long) n * (t + 1) / parts);
            tasks.add(pool.submit(() -> body.run(from, to)));
        }
        tasks.forEach(ForkJoinTask::join);
    }
}
