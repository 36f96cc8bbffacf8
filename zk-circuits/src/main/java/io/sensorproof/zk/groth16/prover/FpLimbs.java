package io.sensorproof.zk.groth16.prover;

import io.sensorproof.zk.bn254.Fp;

/**
 * BN254 base-field arithmetic on elements stored as four Montgomery limbs at a[i … i+3]
 * (little-endian, the radix 2²⁵⁶ of {@link Fp}), for the MSM's hot loop, which must not allocate:
 * the JFR profile of a claim-circuit proof spent about 40 % of its samples in {@code Fp.reduceOnce},
 * where every immutable {@code Fp} result is allocated. Same CIOS steps as {@code Fr.mulLimbs} with p's
 * constants; outputs may alias inputs.
 */
final class FpLimbs {
    static final long P0 = 0x3c208c16d87cfd47L;
    static final long P1 = 0x97816a916871ca8dL;
    static final long P2 = 0xb85045b68181585dL;
    static final long P3 = 0x30644e72e131a029L;
    /** −p⁻¹ mod 2⁶⁴. */
    static final long INV = 0x87d20782e4866389L;

    private FpLimbs() {
    }

    private static long lessThanUnsigned(long x, long y) {
        return ((~x & y) | ((~x | y) & (x - y))) >>> 63;
    }

    private static long umulh(long a, long b) {
        return Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
    }

    static boolean isZero(long[] a, int ai) {
        return (a[ai] | a[ai + 1] | a[ai + 2] | a[ai + 3]) == 0;
    }

    static void copy(long[] a, int ai, long[] out, int oi) {
        out[oi] = a[ai];
        out[oi + 1] = a[ai + 1];
        out[oi + 2] = a[ai + 2];
        out[oi + 3] = a[ai + 3];
    }

    static void set(Fp f, long[] out, int oi) {
        out[oi] = f.l0();
        out[oi + 1] = f.l1();
        out[oi + 2] = f.l2();
        out[oi + 3] = f.l3();
    }

    static Fp get(long[] a, int ai) {
        return new Fp(a[ai], a[ai + 1], a[ai + 2], a[ai + 3]);
    }

    /** out = a·b·2⁻²⁵⁶ mod p (Montgomery product), fully reduced. */
    static void mul(long[] a, int ai, long[] b, int bi, long[] out, int oi) {
        final long a0 = a[ai];
        final long a1 = a[ai + 1];
        final long a2 = a[ai + 2];
        final long a3 = a[ai + 3];
        long t0 = 0;
        long t1 = 0;
        long t2 = 0;
        long t3 = 0;
        for (int w = 0; w < 4; w++) {
            final long bw = b[bi + w];
            long lo = a0 * bw;
            long hi = umulh(a0, bw);
            lo += t0;
            hi += lessThanUnsigned(lo, t0);
            t0 = lo;
            long ca = hi;
            final long m = t0 * INV;
            lo = m * P0;
            hi = umulh(m, P0);
            lo += t0;
            long cc = hi + lessThanUnsigned(lo, t0);
            lo = a1 * bw;
            hi = umulh(a1, bw);
            lo += t1;
            hi += lessThanUnsigned(lo, t1);
            lo += ca;
            hi += lessThanUnsigned(lo, ca);
            ca = hi;
            t1 = lo;
            lo = m * P1;
            hi = umulh(m, P1);
            lo += t1;
            hi += lessThanUnsigned(lo, t1);
            lo += cc;
            hi += lessThanUnsigned(lo, cc);
            cc = hi;
            t0 = lo;
            lo = a2 * bw;
            hi = umulh(a2, bw);
            lo += t2;
            hi += lessThanUnsigned(lo, t2);
            lo += ca;
            hi += lessThanUnsigned(lo, ca);
            ca = hi;
            t2 = lo;
            lo = m * P2;
            hi = umulh(m, P2);
            lo += t2;
            hi += lessThanUnsigned(lo, t2);
            lo += cc;
            hi += lessThanUnsigned(lo, cc);
            cc = hi;
            t1 = lo;
            lo = a3 * bw;
            hi = umulh(a3, bw);
            lo += t3;
            hi += lessThanUnsigned(lo, t3);
            lo += ca;
            hi += lessThanUnsigned(lo, ca);
            ca = hi;
            t3 = lo;
            lo = m * P3;
            hi = umulh(m, P3);
            lo += t3;
            hi += lessThanUnsigned(lo, t3);
            lo += cc;
            hi += lessThanUnsigned(lo, cc);
            cc = hi;
            t2 = lo;
            t3 = cc + ca;
        }
        reduceOnceInto(t0, t1, t2, t3, out, oi);
    }

    /** out = a − b mod p. */
    static void sub(long[] a, int ai, long[] b, int bi, long[] out, int oi) {
        final long x0 = a[ai];
        final long x1 = a[ai + 1];
        final long x2 = a[ai + 2];
        final long x3 = a[ai + 3];
        final long y0 = b[bi];
        final long y1 = b[bi + 1];
        final long y2 = b[bi + 2];
        final long y3 = b[bi + 3];
        long d0 = x0 - y0;
        long bo = lessThanUnsigned(x0, y0);
        long t = x1 - y1;
        long b1 = lessThanUnsigned(x1, y1);
        long d1 = t - bo;
        bo = b1 | lessThanUnsigned(t, bo);
        t = x2 - y2;
        b1 = lessThanUnsigned(x2, y2);
        long d2 = t - bo;
        bo = b1 | lessThanUnsigned(t, bo);
        t = x3 - y3;
        b1 = lessThanUnsigned(x3, y3);
        long d3 = t - bo;
        bo = b1 | lessThanUnsigned(t, bo);
        final long mask = -bo;
        long s0 = d0 + (P0 & mask);
        long c = lessThanUnsigned(s0, d0);
        t = d1 + (P1 & mask);
        long c1 = lessThanUnsigned(t, d1);
        long s1 = t + c;
        c = c1 | lessThanUnsigned(s1, c);
        t = d2 + (P2 & mask);
        c1 = lessThanUnsigned(t, d2);
        long s2 = t + c;
        c = c1 | lessThanUnsigned(s2, c);
        out[oi] = s0;
        out[oi + 1] = s1;
        out[oi + 2] = s2;
        out[oi + 3] = d3 + (P3 & mask) + c;
    }

    /** out = p − a (0 for 0). */
    static void neg(long[] a, int ai, long[] out, int oi) {
        if (isZero(a, ai)) {
            copy(a, ai, out, oi);
            return;
        }
        sub(ZERO, 0, a, ai, out, oi);
    }

    private static final long[] ZERO = new long[4];

    private static void reduceOnceInto(long s0, long s1, long s2, long s3, long[] out, int oi) {
        long d0 = s0 - P0;
        long b = lessThanUnsigned(s0, P0);
        long t = s1 - P1;
        long b1 = lessThanUnsigned(s1, P1);
        long d1 = t - b;
        b = b1 | lessThanUnsigned(t, b);
        t = s2 - P2;
        b1 = lessThanUnsigned(s2, P2);
        long d2 = t - b;
        b = b1 | lessThanUnsigned(t, b);
        t = s3 - P3;
        b1 = lessThanUnsigned(s3, P3);
        long d3 = t - b;
        b = b1 | lessThanUnsigned(t, b);
        final long keep = -b;
        out[oi] = (s0 & keep) | (d0 & ~keep);
        out[oi + 1] = (s1 & keep) | (d1 & ~keep);
        out[oi + 2] = (s2 & keep) | (d2 & ~keep);
        out[oi + 3] = (s3 & keep) | (d3 & ~keep);
    }
}
