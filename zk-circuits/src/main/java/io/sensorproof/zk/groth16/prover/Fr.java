package io.sensorproof.zk.groth16.prover;

import java.math.BigInteger;

/**
 * Element of the BN254 scalar field F<sub>r</sub> (the order of G1 and G2) in Montgomery form (a·2²⁵⁶ mod r) on four
 * little-endian 64-bit limbs, always fully reduced, so record equality is field equality.
 *
 * <p>Multiplication is Montgomery CIOS with {@link Math#multiplyHigh} corrected to unsigned;
 * because the top limb of r is below 2⁶³ − 1, the final carry word of CIOS is never needed
 * (the "no-carry" variant), which saves two additions per inner step.
 *
 * <p>Generated from {@code io.sensorproof.zk.bn254.Fp} with the constants of r; the prover keeps
 * it in its own package so that the shared base-field code stays untouched.
 *
 * <p>Besides the record, a limb-array form ({@link #mulLimbs}, {@link #addLimbs}: elements as four
 * Montgomery limbs in a {@code long[]}) does the same arithmetic without allocating a result, for
 * Poseidon's rounds ({@code io.sensorproof.zk.poseidon}, ADR 047); {@code FrLimbsTest} holds the two
 * forms equal.
 */
public record Fr(long l0, long l1, long l2, long l3) {
    static final long P0 = 0x43e1f593f0000001L;
    static final long P1 = 0x2833e84879b97091L;
    static final long P2 = 0xb85045b68181585dL;
    static final long P3 = 0x30644e72e131a029L;
    /** −r⁻¹ mod 2⁶⁴. */
    static final long INV = 0xc2e1f593efffffffL;

    public static final BigInteger MODULUS = new BigInteger(
            "30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001", 16);
    public static final Fr ZERO = new Fr(0, 0, 0, 0);
    public static final Fr ONE = fromRaw(BigInteger.ONE.shiftLeft(256).mod(MODULUS));
    /** 2⁵¹² mod r as raw limbs: a Montgomery product with it converts a canonical value to Montgomery form. */
    static final Fr R2 = fromRaw(BigInteger.ONE.shiftLeft(512).mod(MODULUS));
    private static final long[] INVERSE_EXPONENT = limbs(MODULUS.subtract(BigInteger.TWO));

    /** Converts a canonical integer in [0, r) to Montgomery form. */
    public static Fr of(BigInteger value) {
        if (value.signum() < 0 || value.compareTo(MODULUS) >= 0) {
            throw new IllegalArgumentException("not a canonical field element");
        }
        return fromRaw(value).mul(R2);
    }

    public static Fr of(long value) {
        return of(BigInteger.valueOf(value).mod(MODULUS));
    }

    /** The canonical integer in [0, r). */
    public BigInteger toBigInteger() {
        Fr canonical = mul(new Fr(1, 0, 0, 0));
        BigInteger result = BigInteger.ZERO;
        long[] limbs = {canonical.l3, canonical.l2, canonical.l1, canonical.l0};
        for (long limb : limbs) {
            result = result.shiftLeft(64).or(new BigInteger(Long.toUnsignedString(limb)));
        }
        return result;
    }

    private static Fr fromRaw(BigInteger value) {
        long[] l = limbs(value);
        return new Fr(l[0], l[1], l[2], l[3]);
    }

    private static long[] limbs(BigInteger value) {
        long[] l = new long[4];
        for (int i = 0; i < 4; i++) {
            l[i] = value.shiftRight(64 * i).longValue();
        }
        return l;
    }

    public boolean isZero() {
        return (l0 | l1 | l2 | l3) == 0;
    }

    /** 1 if sum < addend as unsigned, i.e. the carry out of sum = x + addend. */
    private static long carry(long sum, long addend) {
        return lessThanUnsigned(sum, addend);
    }

    /** 1 if x < y as unsigned, i.e. the borrow out of x − y. */
    private static long borrow(long x, long y) {
        return lessThanUnsigned(x, y);
    }

    /**
     * 1 if x &lt; y as unsigned, else 0. {@code Long.compareUnsigned} as in {@code Fp}: C2 turns it into a conditional
     * move from the branch profile; the branch-free form ((~x & y) | ((~x | y) & (x − y))) >>> 63 used before made the
     * NTTs and h ~20 % slower (ADR 045, 2026-12-05: JVMs alternating, excursion, 96 against 121 ms).
     */
    private static long lessThanUnsigned(long x, long y) {
        return Long.compareUnsigned(x, y) < 0 ? 1 : 0;
    }

    private static long umulh(long a, long b) {
        return Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
    }

    public Fr add(Fr o) {
        long s0 = l0 + o.l0;
        long c = carry(s0, l0);
        long t = l1 + o.l1;
        long c1 = carry(t, l1);
        long s1 = t + c;
        c = c1 | carry(s1, c);
        t = l2 + o.l2;
        c1 = carry(t, l2);
        long s2 = t + c;
        c = c1 | carry(s2, c);
        long s3 = l3 + o.l3 + c;
        return reduceOnce(s0, s1, s2, s3);
    }

    public Fr dbl() {
        return add(this);
    }

    public Fr sub(Fr o) {
        long d0 = l0 - o.l0;
        long b = borrow(l0, o.l0);
        long t = l1 - o.l1;
        long b1 = borrow(l1, o.l1);
        long d1 = t - b;
        b = b1 | borrow(t, b);
        t = l2 - o.l2;
        b1 = borrow(l2, o.l2);
        long d2 = t - b;
        b = b1 | borrow(t, b);
        t = l3 - o.l3;
        b1 = borrow(l3, o.l3);
        long d3 = t - b;
        b = b1 | borrow(t, b);
        // Add r back when the subtraction borrowed, without a data-dependent branch.
        final long mask = -b;
        long s0 = d0 + (P0 & mask);
        long c = carry(s0, d0);
        t = d1 + (P1 & mask);
        long c1 = carry(t, d1);
        long s1 = t + c;
        c = c1 | carry(s1, c);
        t = d2 + (P2 & mask);
        c1 = carry(t, d2);
        long s2 = t + c;
        c = c1 | carry(s2, c);
        return new Fr(s0, s1, s2, d3 + (P3 & mask) + c);
    }

    public Fr neg() {
        return isZero() ? this : ZERO.sub(this);
    }

    /** Subtracts r once if the 256-bit value s is at least r. */
    private static Fr reduceOnce(long s0, long s1, long s2, long s3) {
        long d0 = s0 - P0;
        long b = borrow(s0, P0);
        long t = s1 - P1;
        long b1 = borrow(s1, P1);
        long d1 = t - b;
        b = b1 | borrow(t, b);
        t = s2 - P2;
        b1 = borrow(s2, P2);
        long d2 = t - b;
        b = b1 | borrow(t, b);
        t = s3 - P3;
        b1 = borrow(s3, P3);
        long d3 = t - b;
        b = b1 | borrow(t, b);
        // Keep s when the subtraction borrowed (s < r), else s − r; branch-free.
        final long keep = -b;
        return new Fr((s0 & keep) | (d0 & ~keep), (s1 & keep) | (d1 & ~keep), (s2 & keep) | (d2 & ~keep),
                (s3 & keep) | (d3 & ~keep));
    }

    /** Montgomery product this·o·2⁻²⁵⁶ (CIOS, no-carry variant). */
    public Fr mul(Fr o) {
        final long a0 = l0;
        final long a1 = l1;
        final long a2 = l2;
        final long a3 = l3;
        long t0;
        long t1;
        long t2;
        long t3;
        long lo;
        long hi;
        long ca;
        long cc;
        long m;
        // word 0 of o
        lo = a0 * o.l0;
        ca = umulh(a0, o.l0);
        t0 = lo;
        m = t0 * INV;
        lo = m * P0;
        hi = umulh(m, P0);
        lo += t0;
        cc = hi + carry(lo, t0);
        lo = a1 * o.l0;
        hi = umulh(a1, o.l0);
        lo += ca;
        hi += carry(lo, ca);
        ca = hi;
        t1 = lo;
        lo = m * P1;
        hi = umulh(m, P1);
        lo += t1;
        hi += carry(lo, t1);
        lo += cc;
        hi += carry(lo, cc);
        cc = hi;
        t0 = lo;
        lo = a2 * o.l0;
        hi = umulh(a2, o.l0);
        lo += ca;
        hi += carry(lo, ca);
        ca = hi;
        t2 = lo;
        lo = m * P2;
        hi = umulh(m, P2);
        lo += t2;
        hi += carry(lo, t2);
        lo += cc;
        hi += carry(lo, cc);
        cc = hi;
        t1 = lo;
        lo = a3 * o.l0;
        hi = umulh(a3, o.l0);
        lo += ca;
        hi += carry(lo, ca);
        ca = hi;
        t3 = lo;
        lo = m * P3;
        hi = umulh(m, P3);
        lo += t3;
        hi += carry(lo, t3);
        lo += cc;
        hi += carry(lo, cc);
        cc = hi;
        t2 = lo;
        t3 = cc + ca;
        // word 1 of o
        lo = a0 * o.l1;
        hi = umulh(a0, o.l1);
        lo += t0;
        hi += carry(lo, t0);
        t0 = lo;
        ca = hi;
        m = t0 * INV;
        lo = m * P0;
        hi = umulh(m, P0);
        lo += t0;
        cc = hi + carry(lo, t0);
        lo = a1 * o.l1;
        hi = umulh(a1, o.l1);
        lo += t1;
        hi += carry(lo, t1);
        lo += ca;
        hi += carry(lo, ca);
        ca = hi;
        t1 = lo;
        lo = m * P1;
        hi = umulh(m, P1);
        lo += t1;
        hi += carry(lo, t1);
        lo += cc;
        hi += carry(lo, cc);
        cc = hi;
        t0 = lo;
        lo = a2 * o.l1;
        hi = umulh(a2, o.l1);
        lo += t2;
        hi += carry(lo, t2);
        lo += ca;
        hi += carry(lo, ca);
        ca = hi;
        t2 = lo;
        lo = m * P2;
        hi = umulh(m, P2);
        lo += t2;
        hi += carry(lo, t2);
        lo += cc;
        hi += carry(lo, cc);
        cc = hi;
        t1 = lo;
        lo = a3 * o.l1;
        hi = umulh(a3, o.l1);
        lo += t3;
        hi += carry(lo, t3);
        lo += ca;
        hi += carry(lo, ca);
        ca = hi;
        t3 = lo;
        lo = m * P3;
        hi = umulh(m, P3);
        lo += t3;
        hi += carry(lo, t3);
        lo += cc;
        hi += carry(lo, cc);
        cc = hi;
        t2 = lo;
        t3 = cc + ca;
        // word 2 of o
        lo = a0 * o.l2;
        hi = umulh(a0, o.l2);
        lo += t0;
        hi += carry(lo, t0);
        t0 = lo;
        ca = hi;
        m = t0 * INV;
        lo = m * P0;
        hi = umulh(m, P0);
        lo += t0;
        cc = hi + carry(lo, t0);
        lo = a1 * o.l2;
        hi = umulh(a1, o.l2);
        lo += t1;
        hi += carry(lo, t1);
        lo += ca;
        hi += carry(lo, ca);
        ca = hi;
        t1 = lo;
        lo = m * P1;
        hi = umulh(m, P1);
        lo += t1;
        hi += carry(lo, t1);
        lo += cc;
        hi += carry(lo, cc);
        cc = hi;
        t0 = lo;
        lo = a2 * o.l2;
        hi = umulh(a2, o.l2);
        lo += t2;
        hi += carry(lo, t2);
        lo += ca;
        hi += carry(lo, ca);
        ca = hi;
        t2 = lo;
        lo = m * P2;
        hi = umulh(m, P2);
        lo += t2;
        hi += carry(lo, t2);
        lo += cc;
        hi += carry(lo, cc);
        cc = hi;
        t1 = lo;
        lo = a3 * o.l2;
        hi = umulh(a3, o.l2);
        lo += t3;
        hi += carry(lo, t3);
        lo += ca;
        hi += carry(lo, ca);
        ca = hi;
        t3 = lo;
        lo = m * P3;
        hi = umulh(m, P3);
        lo += t3;
        hi += carry(lo, t3);
        lo += cc;
        hi += carry(lo, cc);
        cc = hi;
        t2 = lo;
        t3 = cc + ca;
        // word 3 of o
        lo = a0 * o.l3;
        hi = umulh(a0, o.l3);
        lo += t0;
        hi += carry(lo, t0);
        t0 = lo;
        ca = hi;
        m = t0 * INV;
        lo = m * P0;
        hi = umulh(m, P0);
        lo += t0;
        cc = hi + carry(lo, t0);
        lo = a1 * o.l3;
        hi = umulh(a1, o.l3);
        lo += t1;
        hi += carry(lo, t1);
        lo += ca;
        hi += carry(lo, ca);
        ca = hi;
        t1 = lo;
        lo = m * P1;
        hi = umulh(m, P1);
        lo += t1;
        hi += carry(lo, t1);
        lo += cc;
        hi += carry(lo, cc);
        cc = hi;
        t0 = lo;
        lo = a2 * o.l3;
        hi = umulh(a2, o.l3);
        lo += t2;
        hi += carry(lo, t2);
        lo += ca;
        hi += carry(lo, ca);
        ca = hi;
        t2 = lo;
        lo = m * P2;
        hi = umulh(m, P2);
        lo += t2;
        hi += carry(lo, t2);
        lo += cc;
        hi += carry(lo, cc);
        cc = hi;
        t1 = lo;
        lo = a3 * o.l3;
        hi = umulh(a3, o.l3);
        lo += t3;
        hi += carry(lo, t3);
        lo += ca;
        hi += carry(lo, ca);
        ca = hi;
        t3 = lo;
        lo = m * P3;
        hi = umulh(m, P3);
        lo += t3;
        hi += carry(lo, t3);
        lo += cc;
        hi += carry(lo, cc);
        cc = hi;
        t2 = lo;
        t3 = cc + ca;
        return reduceOnce(t0, t1, t2, t3);
    }

    public Fr square() {
        return mul(this);
    }

    // Limb-array form: the same arithmetic on elements stored as four Montgomery limbs at a[i … i+3]
    // (little-endian), for loops that must not allocate (Poseidon). Outputs may alias inputs.

    /**
     * out[oi … oi+3] = a·b·2⁻²⁵⁶: the Montgomery product of the limbs at a[ai …] and b[bi …] (CIOS,
     * no-carry variant, the steps of {@link #mul(Fr)} with the words of b in a loop); fully reduced.
     */
    public static void mulLimbs(long[] a, int ai, long[] b, int bi, long[] out, int oi) {
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
            hi += carry(lo, t0);
            t0 = lo;
            long ca = hi;
            final long m = t0 * INV;
            lo = m * P0;
            hi = umulh(m, P0);
            lo += t0;
            long cc = hi + carry(lo, t0);
            lo = a1 * bw;
            hi = umulh(a1, bw);
            lo += t1;
            hi += carry(lo, t1);
            lo += ca;
            hi += carry(lo, ca);
            ca = hi;
            t1 = lo;
            lo = m * P1;
            hi = umulh(m, P1);
            lo += t1;
            hi += carry(lo, t1);
            lo += cc;
            hi += carry(lo, cc);
            cc = hi;
            t0 = lo;
            lo = a2 * bw;
            hi = umulh(a2, bw);
            lo += t2;
            hi += carry(lo, t2);
            lo += ca;
            hi += carry(lo, ca);
            ca = hi;
            t2 = lo;
            lo = m * P2;
            hi = umulh(m, P2);
            lo += t2;
            hi += carry(lo, t2);
            lo += cc;
            hi += carry(lo, cc);
            cc = hi;
            t1 = lo;
            lo = a3 * bw;
            hi = umulh(a3, bw);
            lo += t3;
            hi += carry(lo, t3);
            lo += ca;
            hi += carry(lo, ca);
            ca = hi;
            t3 = lo;
            lo = m * P3;
            hi = umulh(m, P3);
            lo += t3;
            hi += carry(lo, t3);
            lo += cc;
            hi += carry(lo, cc);
            cc = hi;
            t2 = lo;
            t3 = cc + ca;
        }
        reduceOnceInto(t0, t1, t2, t3, out, oi);
    }

    /** out[oi … oi+3] = a + b mod r for the limbs at a[ai …] and b[bi …] (as {@link #add(Fr)}). */
    public static void addLimbs(long[] a, int ai, long[] b, int bi, long[] out, int oi) {
        final long x0 = a[ai];
        final long x1 = a[ai + 1];
        final long x2 = a[ai + 2];
        final long x3 = a[ai + 3];
        long s0 = x0 + b[bi];
        long c = carry(s0, x0);
        long t = x1 + b[bi + 1];
        long c1 = carry(t, x1);
        long s1 = t + c;
        c = c1 | carry(s1, c);
        t = x2 + b[bi + 2];
        c1 = carry(t, x2);
        long s2 = t + c;
        c = c1 | carry(s2, c);
        long s3 = x3 + b[bi + 3] + c;
        reduceOnceInto(s0, s1, s2, s3, out, oi);
    }

    /** Writes the Montgomery limbs of a canonical value in [0, r) at out[oi … oi+3]. */
    public static void toMontgomeryLimbs(BigInteger value, long[] out, int oi) {
        Fr f = of(value);
        out[oi] = f.l0;
        out[oi + 1] = f.l1;
        out[oi + 2] = f.l2;
        out[oi + 3] = f.l3;
    }

    /** The canonical integer in [0, r) of the Montgomery limbs at a[ai …]. */
    public static BigInteger fromMontgomeryLimbs(long[] a, int ai) {
        long[] canonical = new long[4];
        mulLimbs(a, ai, RAW_ONE, 0, canonical, 0);
        byte[] bytes = new byte[33];
        for (int i = 0; i < 4; i++) {
            long limb = canonical[i];
            for (int k = 0; k < 8; k++) {
                bytes[32 - 8 * i - k] = (byte) (limb >>> (8 * k));
            }
        }
        return new BigInteger(bytes);
    }

    private static final long[] RAW_ONE = {1, 0, 0, 0};

    /** Writes s − r when the 256-bit value s is at least r, else s (as {@link #reduceOnce}). */
    private static void reduceOnceInto(long s0, long s1, long s2, long s3, long[] out, int oi) {
        long d0 = s0 - P0;
        long b = borrow(s0, P0);
        long t = s1 - P1;
        long b1 = borrow(s1, P1);
        long d1 = t - b;
        b = b1 | borrow(t, b);
        t = s2 - P2;
        b1 = borrow(s2, P2);
        long d2 = t - b;
        b = b1 | borrow(t, b);
        t = s3 - P3;
        b1 = borrow(s3, P3);
        long d3 = t - b;
        b = b1 | borrow(t, b);
        final long keep = -b;
        out[oi] = (s0 & keep) | (d0 & ~keep);
        out[oi + 1] = (s1 & keep) | (d1 & ~keep);
        out[oi + 2] = (s2 & keep) | (d2 & ~keep);
        out[oi + 3] = (s3 & keep) | (d3 & ~keep);
    }

    /** Inverse by Fermat's little theorem, a^(r−2); the inverse of zero is zero. */
    public Fr inverse() {
        Fr result = ONE;
        for (int i = 3; i >= 0; i--) {
            long limb = INVERSE_EXPONENT[i];
            for (int bit = 63; bit >= 0; bit--) {
                result = result.square();
                if (((limb >>> bit) & 1) != 0) {
                    result = result.mul(this);
                }
            }
        }
        return result;
    }

    /** The element whose Montgomery representation is the given limbs (no conversion; must be below r). */
    public static Fr ofMontgomeryLimbs(long l0, long l1, long l2, long l3) {
        return new Fr(l0, l1, l2, l3);
    }

    /** True if the four little-endian limbs are a canonical integer below r. */
    public static boolean isCanonical(long l0, long l1, long l2, long l3) {
        if (l3 != P3) {
            return Long.compareUnsigned(l3, P3) < 0;
        }
        if (l2 != P2) {
            return Long.compareUnsigned(l2, P2) < 0;
        }
        if (l1 != P1) {
            return Long.compareUnsigned(l1, P1) < 0;
        }
        return Long.compareUnsigned(l0, P0) < 0;
    }

    /**
     * The canonical (non-Montgomery) value as four little-endian limbs: this·2⁻²⁵⁶ when the
     * limbs are read as a Montgomery representation.
     */
    public Fr fromMontgomery() {
        return mul(new Fr(1, 0, 0, 0));
    }

    public Fr pow(BigInteger e) {
        Fr result = ONE;
        for (int i = e.bitLength() - 1; i >= 0; i--) {
            result = result.square();
            if (e.testBit(i)) {
                result = result.mul(this);
            }
        }
        return result;
    }

    @Override
    public String toString() {
        return "0x" + toBigInteger().toString(16);
    }
}
