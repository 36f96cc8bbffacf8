package io.sensorproof.zk.groth16.prover;

import io.sensorproof.zk.bn254.Scalar;
import java.math.BigInteger;

/**
 * A snarkjs {@code .wtns} witness: section 1 holds n8 (uint32), the field prime (n8 bytes) and the
 * number of values (uint32); section 2 the values, n8 bytes little-endian each, in canonical
 * (not Montgomery) form. Values are kept as four 64-bit limbs each; index 0 is the constant 1,
 * then the public signals.
 */
public final class Witness {
    private final long[] limbs;

    private Witness(long[] limbs) {
        this.limbs = limbs;
    }

    public static Witness read(byte[] wtns) {
        BinFile file = BinFile.parse(wtns, "wtns", 2);
        BinFile.Reader header = file.section(1);
        long n8 = header.u32();
        if (n8 != 32) {
            throw new ProverFailure(ProverErrorCode.WRONG_CURVE, "witness values have " + n8 + " bytes; BN254 needs 32");
        }
        BigInteger prime = header.bigInteger(32);
        if (!prime.equals(Scalar.ORDER)) {
            throw new ProverFailure(ProverErrorCode.WRONG_CURVE, "witness field is 0x" + prime.toString(16) + ", not the BN254 scalar field");
        }
        long count = header.u32();
        BinFile.Reader values = file.section(2);
        if (values.size() != count * 32) {
            throw new ProverFailure(ProverErrorCode.SECTION_SIZE_MISMATCH, "witness header announces " + count + " values, section 2 holds "
                    + values.size() + " bytes");
        }
        long[] limbs = new long[(int) count * 4];
        values.limbs(limbs, 0, limbs.length);
        for (int i = 0; i < count; i++) {
            if (!Fr.isCanonical(limbs[4 * i], limbs[4 * i + 1], limbs[4 * i + 2], limbs[4 * i + 3])) {
                throw new ProverFailure(ProverErrorCode.VALUE_OUT_OF_RANGE, "witness value " + i + " is not below r");
            }
        }
        return new Witness(limbs);
    }

    /** A witness from canonical values (index 0 must be 1); for tests and callers that compute it in Java. */
    public static Witness of(BigInteger... values) {
        long[] limbs = new long[values.length * 4];
        for (int i = 0; i < values.length; i++) {
            if (values[i].signum() < 0 || values[i].compareTo(Scalar.ORDER) >= 0) {
                throw new ProverFailure(ProverErrorCode.VALUE_OUT_OF_RANGE, "witness value " + i + " is not in [0, r)");
            }
            for (int j = 0; j < 4; j++) {
                limbs[4 * i + j] = values[i].shiftRight(64 * j).longValue();
            }
        }
        return new Witness(limbs);
    }

    public int size() {
        return limbs.length / 4;
    }

    public BigInteger value(int i) {
        BigInteger result = BigInteger.ZERO;
        for (int j = 3; j >= 0; j--) {
            result = result.shiftLeft(64).or(new BigInteger(Long.toUnsignedString(limbs[4 * i + j])));
        }
        return result;
    }

    /** Canonical limbs, four per value; shared, do not modify. */
    long[] limbs() {
        return limbs;
    }

    /** The value as an Fr whose Montgomery limbs are the canonical limbs (what snarkjs multiplies the zkey coefficients with). */
    Fr raw(int i) {
        return Fr.ofMontgomeryLimbs(limbs[4 * i], limbs[4 * i + 1], limbs[4 * i + 2], limbs[4 * i + 3]);
    }
}
