package io.sensorproof.zk.bn254;

import java.math.BigInteger;

/**
 * Element of the BN254 base field F<sub>p</sub> in Montgomery form (a·2²⁵⁶ mod p) on four
 * little-endian 64-bit limbs, always fully reduced, so record equality is field equality.
 *
 * <p>Multiplication is Montgomery CIOS with {@link Math#multiplyHigh} corrected to unsigned;
 * because the top limb of p is below 2⁶³ − 1, the final carry word of CIOS is never needed
 * (the "no-carry" variant), which saves two additions per inner step.
 */
public record Fp(long l0, long l1, long l2, long l3) {
    static final long P0 = 0x3c208c16d87cfd47L;
    static final long P1 = 0x97816a916871ca8dL;
    static final long P2 = 0xb85045b68181585dL;
    static final long P3 = 0x30644e72e131a029L;
    /** −p⁻¹ mod 2⁶⁴. */
    static final long INV = 0x87d20782e4866389L;

    public static final BigInteger MODULUS = new BigInteger(
            "30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47", 16);
    public static final Fp ZERO = new Fp(0, 0, 0, 0);
    public static final Fp ONE = fromRaw(BigInteger.ONE.shiftLeft(256).mod(MODULUS));
    private static final Fp R2 = fromRaw(BigInteger.ONE.shiftLeft(512).mod(MODULUS));
    private static final long[] INVERSE_EXPONENT = limbs(MODULUS.subtract(BigInteger.TWO));

    /** Converts a canonical integer in [0, p) to Montgomery form. */
    public static Fp of(BigInteger value) {
        if (value.signum() < 0 || value.compareTo(MODULUS) >= 0) {
            throw new IllegalArgumentException("not a canonical field element");
        }
        return fromRaw(value).mul(R2);
    }

    public static Fp of(long value) {
        return of(BigInteger.valueOf(value).mod(MODULUS));
    }

    /** The canonical integer in [0, p). */
    public BigInteger toBigInteger() {
        Fp canonical = mul(new Fp(1, 0, 0, 0));
        BigInteger result = BigInteger.ZERO;
        long[] limbs = {canonical.l3, canonical.l2, canonical.l1, canonical.l0};
        for (long limb : limbs) {
            result = result.shiftLeft(64).or(new BigInteger(Long.toUnsignedString(limb)));
        }
        return result;
    }

    private static Fp fromRaw(BigInteger value) {
        long[] l = limbs(value);
        return new Fp(l[0], l[1], l[2], l[3]);
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
        return Long.compareUnsigned(sum, addend) < 0 ? 1 : 0;
    }

    /** 1 if x < y as unsigned, i.e. the borrow out of x − y. */
    private static long borrow(long x, long y) {
        return Long.compareUnsigned(x, y) < 0 ? 1 : 0;
    }

    private static long umulh(long a, long b) {
        return Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
    }

    public Fp add(Fp o) {
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

    public Fp dbl() {
        return add(this);
    }

    public Fp sub(Fp o) {
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
        // Add p back when the subtraction borrowed, without a data-dependent branch.
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
        return new Fp(s0, s1, s2, d3 + (P3 & mask) + c);
    }

    public Fp neg() {
        return isZero() ? this : ZERO.sub(this);
    }

    /** Subtracts p once if the 256-bit value s is at least p. */
    private static Fp reduceOnce(long s0, long s1, long s2, long s3) {
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
        // Keep s when the subtraction borrowed (s < p), else s − p; branch-free.
        final long keep = -b;
        return new Fp((s0 & keep) | (d0 & ~keep), (s1 & keep) | (d1 & ~keep), (s2 & keep) | (d2 & ~keep),
                (s3 & keep) | (d3 & ~keep));
    }

    /** Montgomery product this·o·2⁻²⁵⁶ (CIOS, no-carry variant). */
    public Fp mul(Fp o) {
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

    public Fp square() {
        return mul(this);
    }

    /** Inverse by Fermat's little theorem, a^(p−2); the inverse of zero is zero. */
    public Fp inverse() {
        Fp result = ONE;
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

    @Override
    public String toString() {
        return "0x" + toBigInteger().toString(16);
    }
}
