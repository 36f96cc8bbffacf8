package io.sensorproof.zk.setup;

import io.sensorproof.zk.bn254.Fp;
import java.math.BigInteger;

/**
 * snarkjs' (wasmcurves') {@code g1m_subAffine} followed by {@code g1m_batchToAffine} and
 * {@code g1m_batchLEMtoU}, emulated bit for bit on inputs that need not be points at all.
 *
 * <p>Why: {@code zkey new} hashes the points τ^(i+n)·G1 − τ^i·G1 for i &lt; n − 1 into the circuit
 * hash, in chunks of 2¹⁴ without shortening the last chunk, so for n ≥ 2¹⁵ it hashes one point too
 * many, and when n is the powers of tau's own size that point's first operand lies past the end of
 * section 2: 64 bytes of whatever follows in the file (section 3's header and the start of τ⁰·G2).
 * wasmcurves' field operations take 256-bit words in Montgomery form and assume them below p; on
 * larger words its addition and subtraction keep 256 bits and stop being congruent mod p, so the
 * result depends on the exact words, not only on their residues. This class repeats those
 * operations on {@link BigInteger} words mod 2²⁵⁶ (f1m_add, f1m_sub, f1m_mul/square as Montgomery
 * products with wasmcurves' single conditional subtraction) up to the Jacobian result; what follows
 * (batch inversion, multiplications, conversion from Montgomery form) is congruent mod p and ends
 * canonical, so it is computed in the field.
 */
final class WasmG1 {
    private static final BigInteger Q = Fp.MODULUS;
    private static final BigInteger WORD = BigInteger.ONE.shiftLeft(256);
    private static final BigInteger MASK = WORD.subtract(BigInteger.ONE);
    /** −q⁻¹ mod 2²⁵⁶: the Montgomery factor M of a product is (x·y·this) mod 2²⁵⁶. */
    private static final BigInteger MINUS_Q_INVERSE = WORD.subtract(Q.modInverse(WORD));
    private static final BigInteger R_INVERSE = WORD.mod(Q).modInverse(Q);

    private WasmG1() {
    }

    /** f1m_add: 256-bit sum; on carry subtract q (mod 2²⁵⁶), else subtract q once if the sum is ≥ q. */
    static BigInteger add(BigInteger x, BigInteger y) {
        BigInteger sum = x.add(y);
        if (sum.compareTo(WORD) >= 0) {
            return sum.subtract(WORD).subtract(Q).and(MASK);
        }
        return sum.compareTo(Q) >= 0 ? sum.subtract(Q) : sum;
    }

    /** f1m_sub: 256-bit difference; on borrow add q (mod 2²⁵⁶). */
    static BigInteger sub(BigInteger x, BigInteger y) {
        BigInteger difference = x.subtract(y);
        if (difference.signum() < 0) {
            return difference.add(WORD).add(Q).and(MASK);
        }
        return difference;
    }

    /** f1m_mul (and f1m_square): T = (x·y + M·q)/2²⁵⁶; on a carry out of 256 bits subtract q (mod 2²⁵⁶), else once if T ≥ q. */
    static BigInteger mul(BigInteger x, BigInteger y) {
        BigInteger product = x.multiply(y);
        BigInteger m = product.and(MASK).multiply(MINUS_Q_INVERSE).and(MASK);
        BigInteger t = product.add(m.multiply(Q)).shiftRight(256);
        if (t.compareTo(WORD) >= 0) {
            return t.and(MASK).subtract(Q).and(MASK);
        }
        return t.compareTo(Q) >= 0 ? t.subtract(Q) : t;
    }

    /**
     * The uncompressed (big-endian, canonical) encoding snarkjs hashes for p1 − p2, p1 and p2 given
     * as 64 bytes of x then y, each 32 little-endian bytes in Montgomery form.
     */
    static byte[] subAffineUncompressed(byte[] p1, byte[] p2) {
        BigInteger x1 = word(p1, 0);
        BigInteger y1 = word(p1, 32);
        BigInteger x2 = word(p2, 0);
        BigInteger y2 = sub(BigInteger.ZERO, word(p2, 32)); // g1m_negAffine
        BigInteger x3;
        BigInteger y3;
        BigInteger z3;
        boolean p1Zero = x1.signum() == 0 && y1.signum() == 0;
        boolean p2Zero = x2.signum() == 0 && y2.signum() == 0;
        BigInteger montgomeryOne = WORD.mod(Q);
        if (p1Zero) {
            x3 = x2;
            y3 = y2;
            z3 = montgomeryOne;
        } else if (p2Zero) {
            x3 = x1;
            y3 = y1;
            z3 = montgomeryOne;
        } else {
            if (x1.equals(x2) && y1.equals(y2)) {
                throw new IllegalStateException("g1m_addAffine would double: not emulated");
            }
            BigInteger h = sub(x2, x1);
            BigInteger y2MinusY1 = sub(y2, y1);
            BigInteger hh = mul(h, h);
            BigInteger i = add(hh, hh);
            i = add(i, i);
            BigInteger j = mul(h, i);
            BigInteger r = add(y2MinusY1, y2MinusY1);
            BigInteger v = mul(x1, i);
            BigInteger r2 = mul(r, r);
            BigInteger v2 = add(v, v);
            x3 = sub(r2, j);
            x3 = sub(x3, v2);
            BigInteger y1j2 = mul(y1, j);
            y1j2 = add(y1j2, y1j2);
            y3 = sub(v, x3);
            y3 = mul(y3, r);
            y3 = sub(y3, y1j2);
            z3 = add(h, h);
        }
        // From here on every step is congruent mod q and ends canonical: compute in the field.
        BigInteger x = x3.multiply(R_INVERSE).mod(Q);
        BigInteger y = y3.multiply(R_INVERSE).mod(Q);
        BigInteger z = z3.multiply(R_INVERSE).mod(Q);
        byte[] out = new byte[64];
        if (z.signum() == 0) {
            return out; // batchToAffine: zero inverse → (0, 0), which LEMtoU writes as zeros
        }
        BigInteger zInverse = z.modInverse(Q);
        BigInteger zInverse2 = zInverse.multiply(zInverse).mod(Q);
        bigEndian(x.multiply(zInverse2).mod(Q), out, 0);
        bigEndian(y.multiply(zInverse2).multiply(zInverse).mod(Q), out, 32);
        return out;
    }

    private static BigInteger word(byte[] bytes, int offset) {
        byte[] be = new byte[33];
        for (int i = 0; i < 32; i++) {
            be[32 - i] = bytes[offset + i];
        }
        return new BigInteger(be);
    }

    static void bigEndian(BigInteger value, byte[] out, int offset) {
        byte[] bytes = value.toByteArray();
        int length = Math.min(bytes.length, 32);
        System.arraycopy(bytes, bytes.length - length, out, offset + 32 - length, length);
    }
}
