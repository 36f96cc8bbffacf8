package io.sensorproof.zk.groth16.prover;

import io.sensorproof.zk.bn254.Scalar;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A circuit's rank-1 constraint system in the iden3 {@code .r1cs} format (what zokrates-js exports
 * with its snarkjs option and {@code zkey new} reads), kept to check a witness before proving: the
 * prover itself assumes A·B = C on every row and would turn a wrong witness into a proof that only
 * fails afterwards, at its self-check.
 *
 * <p>Layout (magic {@code r1cs}, version 1): section 1 the header — n8 (uint32), the prime (n8
 * bytes), nWires, nPubOut, nPubIn, nPrvIn (uint32 each), nLabels (uint64), mConstraints (uint32);
 * section 2 the constraints — for each, the linear combinations A, B, C, each a uint32 term count
 * and per term a uint32 wire and the coefficient (n8 bytes, little-endian, canonical form). Wire 0
 * is the constant 1, then the public signals; the witness ({@code .wtns}) uses the same indices.
 */
public final class R1cs {
    private final int wires;
    private final int publicSignals;
    private final int constraints;
    /** Terms of linear combination j (constraint j / 3, matrix j % 3) are [termStart[j], termStart[j + 1]). */
    private final int[] termStart;
    private final int[] termWire;
    /** Coefficient c of each term as raw limbs of c·2⁵¹² mod r: a Montgomery product with a canonical w gives c·w in Montgomery form. */
    private final long[] termCoef;

    private R1cs(BinFile file) {
        BinFile.Reader h = file.section(1);
        long n8 = h.u32();
        if (n8 != 32) {
            throw new ProverFailure(ProverErrorCode.WRONG_CURVE, "r1cs field elements of " + n8 + " bytes; BN254 has 32");
        }
        BigInteger prime = h.bigInteger(32);
        if (!prime.equals(Scalar.ORDER)) {
            throw new ProverFailure(ProverErrorCode.WRONG_CURVE, "r1cs field 0x" + prime.toString(16) + " is not the BN254 scalar field");
        }
        wires = toInt(h.u32(), "nWires");
        long pubOut = h.u32();
        long pubIn = h.u32();
        h.u32(); // nPrvIn
        h.u64le(); // nLabels
        constraints = toInt(h.u32(), "mConstraints");
        if (wires < 1 || pubOut + pubIn >= wires) {
            throw new ProverFailure(ProverErrorCode.MALFORMED_FILE, "nWires " + wires + " and " + (pubOut + pubIn) + " public signals are inconsistent");
        }
        publicSignals = (int) (pubOut + pubIn);
        BinFile.Reader body = file.section(2);
        // at least 4 bytes per linear combination: the counts bound the arrays before anything is allocated from them
        if ((long) constraints * 12 > body.size()) {
            throw new ProverFailure(ProverErrorCode.SECTION_SIZE_MISMATCH, constraints + " constraints cannot fit in " + body.size() + " bytes");
        }
        int terms = (body.size() - constraints * 12) / 36;
        termStart = new int[3 * constraints + 1];
        termWire = new int[terms];
        termCoef = new long[4 * terms];
        long[] limbs = new long[4];
        int t = 0;
        for (int j = 0; j < 3 * constraints; j++) {
            termStart[j] = t;
            long count = body.u32();
            if (count > (long) body.remaining() / 36 || t + count > terms) {
                throw new ProverFailure(ProverErrorCode.TRUNCATED, "constraint " + j / 3 + " announces " + count + " terms past the end of section 2");
            }
            for (long k = 0; k < count; k++, t++) {
                long wire = body.u32();
                body.limbs(limbs, 0, 4);
                if (wire >= wires) {
                    throw new ProverFailure(ProverErrorCode.BAD_COEFFICIENT, "constraint " + j / 3 + " names wire " + wire + " of " + wires);
                }
                if (!Fr.isCanonical(limbs[0], limbs[1], limbs[2], limbs[3])) {
                    throw new ProverFailure(ProverErrorCode.VALUE_OUT_OF_RANGE, "a coefficient of constraint " + j / 3 + " is not below r");
                }
                Fr c = Fr.ofMontgomeryLimbs(limbs[0], limbs[1], limbs[2], limbs[3]).mul(Fr.R2).mul(Fr.R2);
                termWire[t] = (int) wire;
                termCoef[4 * t] = c.l0();
                termCoef[4 * t + 1] = c.l1();
                termCoef[4 * t + 2] = c.l2();
                termCoef[4 * t + 3] = c.l3();
            }
        }
        termStart[3 * constraints] = t;
        if (body.remaining() != 0 || t != terms) {
            throw new ProverFailure(ProverErrorCode.SECTION_SIZE_MISMATCH, "section 2 has " + body.remaining() + " bytes after its "
                    + constraints + " constraints");
        }
    }

    /** Parses and validates an {@code .r1cs} held in memory. */
    public static R1cs read(byte[] r1cs) {
        return new R1cs(BinFile.parse(r1cs, "r1cs", 1));
    }

    public static R1cs read(Path r1cs) {
        try {
            return read(Files.readAllBytes(r1cs));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int wires() {
        return wires;
    }

    public int publicSignals() {
        return publicSignals;
    }

    public int constraints() {
        return constraints;
    }

    /** The first constraint the witness violates, or −1 when it satisfies all of them. */
    public int firstUnsatisfied(Witness witness) {
        if (witness.size() != wires) {
            throw new ProverFailure(ProverErrorCode.WITNESS_MISMATCH, "the witness has " + witness.size() + " values, the circuit " + wires + " wires");
        }
        long[] w = witness.limbs();
        for (int i = 0; i < constraints; i++) {
            Fr a = combination(3 * i, w);
            Fr b = combination(3 * i + 1, w);
            Fr c = combination(3 * i + 2, w);
            if (!a.mul(b).equals(c)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Refuses a witness that does not satisfy every constraint.
     *
     * @throws ProverFailure {@link ProverErrorCode#WITNESS_UNSATISFIED}, or {@link ProverErrorCode#WITNESS_MISMATCH} for another size
     */
    public void check(Witness witness) {
        int failed = firstUnsatisfied(witness);
        if (failed >= 0) {
            throw new ProverFailure(ProverErrorCode.WITNESS_UNSATISFIED, "the witness violates constraint " + failed + " of " + constraints);
        }
    }

    private Fr combination(int j, long[] w) {
        Fr sum = Fr.ZERO;
        for (int t = termStart[j]; t < termStart[j + 1]; t++) {
            int at = 4 * termWire[t];
            Fr c = Fr.ofMontgomeryLimbs(termCoef[4 * t], termCoef[4 * t + 1], termCoef[4 * t + 2], termCoef[4 * t + 3]);
            sum = sum.add(c.mul(Fr.ofMontgomeryLimbs(w[at], w[at + 1], w[at + 2], w[at + 3])));
        }
        return sum;
    }

    private static int toInt(long v, String what) {
        if (v > Integer.MAX_VALUE / 4) {
            throw new ProverFailure(ProverErrorCode.MALFORMED_FILE, what + " " + v + " is too large");
        }
        return (int) v;
    }
}
