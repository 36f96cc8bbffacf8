package io.sensorproof.zk.setup;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A rank-1 constraint system in the iden3 {@code .r1cs} format (as zokrates-js writes it with
 * {@code compile(…, {snarkjs: true})} and snarkjs reads it): section 1 the header (n8, the prime,
 * nWires, nPubOut, nPubIn, nPrvIn, nLabels, nConstraints), section 2 per constraint the linear
 * combinations A, B, C, each a uint32 term count and per term a uint32 signal and an n8-byte
 * little-endian coefficient. Other sections (the label map) are ignored, as snarkjs' {@code zkey new}
 * ignores them. Wire 0 is the constant one, then the outputs, the public inputs, the rest.
 *
 * <p>Malformed input is refused with a {@link SetupFailure}: wrong magic or version, a section
 * missing or twice, a field other than BN254's F<sub>r</sub>, a truncated section or one with bytes
 * left over, a signal outside nWires, a coefficient at or above r.
 */
record R1cs(int nVars, int nOutputs, int nPubInputs, int nPrvInputs, int nConstraints, Matrix a, Matrix b, Matrix c) {
    /** One matrix by constraint: the terms of constraint k are at [start[k], start[k + 1]). */
    record Matrix(int[] start, int[] signal, BigInteger[] coefficient) {
        int terms() {
            return signal.length;
        }
    }

    /** Public signals, not counting the constant one: outputs then public inputs. */
    int nPublic() {
        return nOutputs + nPubInputs;
    }

    static R1cs read(Path file) throws IOException {
        return parse(Files.readAllBytes(file));
    }

    static R1cs parse(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 12) {
            throw new SetupFailure(SetupErrorCode.TRUNCATED, "r1cs: " + bytes.length + " bytes, shorter than the 12-byte header");
        }
        String magic = new String(bytes, 0, 4, StandardCharsets.ISO_8859_1);
        if (!magic.equals("r1cs")) {
            throw new SetupFailure(SetupErrorCode.MALFORMED_FILE, "not an r1cs file (magic " + printable(magic) + ")");
        }
        int version = buffer.getInt(4);
        if (version != 1) {
            throw new SetupFailure(SetupErrorCode.MALFORMED_FILE, "r1cs version " + Integer.toUnsignedString(version) + " is not supported (1)");
        }
        Map<Integer, ByteBuffer> sections = sections(buffer, "r1cs");
        ByteBuffer header = require(sections, 1);
        int n8 = u32(header, "header");
        if (n8 != 32) {
            throw new SetupFailure(SetupErrorCode.WRONG_FIELD, "r1cs field elements of " + Integer.toUnsignedString(n8) + " bytes, BN254 needs 32");
        }
        BigInteger prime = unsigned(header, 32, "header");
        if (!prime.equals(ScalarField.R)) {
            throw new SetupFailure(SetupErrorCode.WRONG_FIELD, "r1cs prime " + prime + " is not the BN254 scalar field order");
        }
        int nVars = u32(header, "header");
        int nOutputs = u32(header, "header");
        int nPubInputs = u32(header, "header");
        int nPrvInputs = u32(header, "header");
        need(header, 8, "header");
        header.getLong();
        int nConstraints = u32(header, "header");
        if (header.hasRemaining()) {
            throw new SetupFailure(SetupErrorCode.MALFORMED_FILE, "r1cs header has " + header.remaining() + " bytes left over");
        }
        for (int count : new int[] {nVars, nOutputs, nPubInputs, nPrvInputs, nConstraints}) {
            if (count < 0) {
                throw new SetupFailure(SetupErrorCode.BAD_SIGNAL, "r1cs header count " + Integer.toUnsignedString(count) + " is too large");
            }
        }
        if ((long) nOutputs + nPubInputs + 1 > nVars) {
            throw new SetupFailure(SetupErrorCode.BAD_SIGNAL, "r1cs header: " + nOutputs + " outputs and " + nPubInputs
                    + " public inputs do not fit " + nVars + " wires with the constant one");
        }
        ByteBuffer constraints = require(sections, 2);
        Builder[] builders = {new Builder(nConstraints), new Builder(nConstraints), new Builder(nConstraints)};
        for (int k = 0; k < nConstraints; k++) {
            for (Builder builder : builders) {
                builder.start[k] = builder.size;
                int terms = u32(constraints, "constraint " + k);
                // each term is 36 bytes: refuse a count the section cannot hold before allocating for it
                if (terms < 0 || (long) terms * 36 > constraints.remaining()) {
                    throw new SetupFailure(SetupErrorCode.TRUNCATED, "r1cs constraint " + k + " announces "
                            + Integer.toUnsignedString(terms) + " terms, the section has " + constraints.remaining() + " bytes left");
                }
                for (int t = 0; t < terms; t++) {
                    int signal = u32(constraints, "constraint " + k);
                    if (signal < 0 || signal >= nVars) {
                        throw new SetupFailure(SetupErrorCode.BAD_SIGNAL, "r1cs constraint " + k + " names signal "
                                + Integer.toUnsignedString(signal) + ", the circuit has " + nVars);
                    }
                    BigInteger coefficient = unsigned(constraints, 32, "constraint " + k);
                    if (coefficient.compareTo(ScalarField.R) >= 0) {
                        throw new SetupFailure(SetupErrorCode.VALUE_OUT_OF_RANGE, "r1cs constraint " + k + ": coefficient ≥ r");
                    }
                    builder.add(signal, coefficient);
                }
            }
        }
        if (constraints.hasRemaining()) {
            throw new SetupFailure(SetupErrorCode.MALFORMED_FILE, "r1cs constraints section has " + constraints.remaining()
                    + " bytes after " + nConstraints + " constraints");
        }
        return new R1cs(nVars, nOutputs, nPubInputs, nPrvInputs, nConstraints,
                builders[0].build(), builders[1].build(), builders[2].build());
    }

    /** The section table of an iden3 binary file; every section must lie inside the file and appear once. */
    static Map<Integer, ByteBuffer> sections(ByteBuffer buffer, String kind) {
        long count = Integer.toUnsignedLong(buffer.getInt(8));
        Map<Integer, ByteBuffer> sections = new HashMap<>();
        long position = 12;
        int length = buffer.capacity();
        for (long i = 0; i < count; i++) {
            if (position + 12 > length) {
                throw new SetupFailure(SetupErrorCode.TRUNCATED, kind + ": section " + i + " of " + count + " starts past the end of the file");
            }
            int type = buffer.getInt((int) position);
            long size = buffer.getLong((int) position + 4);
            long start = position + 12;
            if (size < 0 || start + size > length) {
                throw new SetupFailure(SetupErrorCode.TRUNCATED, kind + ": section " + type + " announces "
                        + Long.toUnsignedString(size) + " bytes, the file has " + (length - start) + " left");
            }
            ByteBuffer slice = buffer.duplicate();
            slice.position((int) start).limit((int) (start + size));
            if (sections.putIfAbsent(type, slice.slice().order(ByteOrder.LITTLE_ENDIAN)) != null) {
                throw new SetupFailure(SetupErrorCode.MISSING_SECTION, kind + ": section " + type + " appears twice");
            }
            position = start + size;
        }
        return sections;
    }

    private static ByteBuffer require(Map<Integer, ByteBuffer> sections, int type) {
        ByteBuffer section = sections.get(type);
        if (section == null) {
            throw new SetupFailure(SetupErrorCode.MISSING_SECTION, "r1cs: section " + type + " is missing");
        }
        return section;
    }

    private static void need(ByteBuffer buffer, int bytes, String where) {
        if (buffer.remaining() < bytes) {
            throw new SetupFailure(SetupErrorCode.TRUNCATED, "r1cs " + where + ": needs " + bytes + " more bytes, "
                    + buffer.remaining() + " left");
        }
    }

    private static int u32(ByteBuffer buffer, String where) {
        need(buffer, 4, where);
        return buffer.getInt();
    }

    /** An unsigned little-endian integer of n bytes. */
    private static BigInteger unsigned(ByteBuffer buffer, int n, String where) {
        need(buffer, n, where);
        byte[] be = new byte[n + 1];
        for (int i = 0; i < n; i++) {
            be[n - i] = buffer.get();
        }
        return new BigInteger(be);
    }

    private static String printable(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            out.append(ch >= 0x20 && ch < 0x7f ? String.valueOf(ch) : String.format("\\x%02x", (int) ch));
        }
        return out.append('"').toString();
    }

    private static final class Builder {
        final int[] start;
        int[] signal = new int[16];
        BigInteger[] coefficient = new BigInteger[16];
        int size;

        Builder(int constraints) {
            start = new int[constraints + 1];
        }

        void add(int s, BigInteger value) {
            if (size == signal.length) {
                signal = java.util.Arrays.copyOf(signal, size * 2);
                coefficient = java.util.Arrays.copyOf(coefficient, size * 2);
            }
            signal[size] = s;
            coefficient[size] = value;
            size++;
        }

        Matrix build() {
            start[start.length - 1] = size;
            return new Matrix(start, java.util.Arrays.copyOf(signal, size), java.util.Arrays.copyOf(coefficient, size));
        }
    }
}
