package io.sensorproof.zk.setup;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Writes small {@code .r1cs} files for tests (the format of {@link R1cs}), with hooks to break them. */
final class R1csWriter {
    /** One term: signal and coefficient. */
    record Term(int signal, BigInteger coefficient) {
    }

    /** One constraint A·B = C. */
    record Constraint(List<Term> a, List<Term> b, List<Term> c) {
    }

    static Term t(int signal, long coefficient) {
        return new Term(signal, BigInteger.valueOf(coefficient).mod(ScalarField.R));
    }

    int nVars;
    int nOutputs;
    int nPubInputs;
    int nPrvInputs;
    BigInteger prime = ScalarField.R;
    String magic = "r1cs";
    final List<Constraint> constraints = new ArrayList<>();

    R1csWriter(int nVars, int nOutputs, int nPubInputs, int nPrvInputs) {
        this.nVars = nVars;
        this.nOutputs = nOutputs;
        this.nPubInputs = nPubInputs;
        this.nPrvInputs = nPrvInputs;
    }

    R1csWriter constraint(List<Term> a, List<Term> b, List<Term> c) {
        constraints.add(new Constraint(a, b, c));
        return this;
    }

    byte[] bytes() {
        ByteBuffer header = le(4 + 32 + 4 * 4 + 8 + 4);
        header.putInt(32).put(le32(prime)).putInt(nVars).putInt(nOutputs).putInt(nPubInputs).putInt(nPrvInputs)
                .putLong(nVars).putInt(constraints.size());
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Constraint k : constraints) {
            for (List<Term> lc : List.of(k.a(), k.b(), k.c())) {
                body.writeBytes(le(4).putInt(lc.size()).array());
                for (Term term : lc) {
                    body.writeBytes(le(4).putInt(term.signal()).array());
                    body.writeBytes(le32(term.coefficient()));
                }
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(magic.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(le(8).putInt(1).putInt(2).array());
        out.writeBytes(le(12).putInt(1).putLong(header.capacity()).array());
        out.writeBytes(header.array());
        byte[] constraintBytes = body.toByteArray();
        out.writeBytes(le(12).putInt(2).putLong(constraintBytes.length).array());
        out.writeBytes(constraintBytes);
        return out.toByteArray();
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    static byte[] le32(BigInteger v) {
        byte[] be = v.toByteArray();
        byte[] le = new byte[32];
        for (int i = 0; i < 32 && i < be.length; i++) {
            le[i] = be[be.length - 1 - i];
        }
        return le;
    }
}
