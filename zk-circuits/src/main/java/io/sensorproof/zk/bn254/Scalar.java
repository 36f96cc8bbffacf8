package io.sensorproof.zk.bn254;

import java.math.BigInteger;

/** A 256-bit unsigned scalar on four little-endian limbs, for scalar multiplication. */
public record Scalar(long l0, long l1, long l2, long l3) {
    /** Order r of the BN254 groups. */
    public static final BigInteger ORDER = new BigInteger(
            "30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001", 16);

    public static Scalar of(BigInteger value) {
        if (value.signum() < 0 || value.bitLength() > 256) {
            throw new IllegalArgumentException("scalar out of 256-bit range");
        }
        return new Scalar(value.longValue(), value.shiftRight(64).longValue(),
                value.shiftRight(128).longValue(), value.shiftRight(192).longValue());
    }

    public boolean testBit(int i) {
        long limb = i < 64 ? l0 : i < 128 ? l1 : i < 192 ? l2 : l3;
        return ((limb >>> (i & 63)) & 1) != 0;
    }

    public int bitLength() {
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

    /** The 4-bit digit at position {@code window} (bits 4·window … 4·window + 3). */
    public int nibble(int window) {
        int bit = window * 4;
        long limb = bit < 64 ? l0 : bit < 128 ? l1 : bit < 192 ? l2 : l3;
        return (int) ((limb >>> (bit & 63)) & 0xF);
    }

    public BigInteger toBigInteger() {
        BigInteger result = BigInteger.ZERO;
        for (long limb : new long[] {l3, l2, l1, l0}) {
            result = result.shiftLeft(64).or(new BigInteger(Long.toUnsignedString(limb)));
        }
        return result;
    }
}
