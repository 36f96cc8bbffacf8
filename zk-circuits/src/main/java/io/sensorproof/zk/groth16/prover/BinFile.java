package io.sensorproof.zk.groth16.prover;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The iden3 binary container used by snarkjs ({@code .zkey}, {@code .wtns}, {@code .ptau},
 * {@code .r1cs}): a 4-byte magic, a uint32 version, a uint32 section count, then per section a
 * uint32 type, a uint64 size and the data, all little-endian.
 */
final class BinFile {
    private final ByteBuffer data;
    private final Map<Integer, int[]> sections = new HashMap<>();
    private final String kind;

    private BinFile(ByteBuffer data, String kind) {
        this.data = data;
        this.kind = kind;
    }

    /** Reads the section table; every section must lie inside the file. */
    static BinFile parse(byte[] bytes, String magic, int maxVersion) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        BinFile file = new BinFile(buffer, magic);
        if (bytes.length < 12) {
            throw new ProverFailure(ProverErrorCode.TRUNCATED, magic + ": " + bytes.length + " bytes, shorter than the 12-byte header");
        }
        String found = new String(bytes, 0, 4, StandardCharsets.ISO_8859_1);
        if (!found.equals(magic)) {
            throw new ProverFailure(ProverErrorCode.MALFORMED_FILE, "expected a \"" + magic + "\" file, the magic is \"" + printable(found) + "\"");
        }
        int version = buffer.getInt(4);
        if (version < 1 || version > maxVersion) {
            throw new ProverFailure(ProverErrorCode.MALFORMED_FILE, magic + " version " + Integer.toUnsignedString(version) + " is not supported (1…" + maxVersion + ")");
        }
        long count = Integer.toUnsignedLong(buffer.getInt(8));
        long position = 12;
        for (long i = 0; i < count; i++) {
            if (position + 12 > bytes.length) {
                throw new ProverFailure(ProverErrorCode.TRUNCATED, magic + ": section " + i + " of " + count + " starts past the end of the file");
            }
            int type = buffer.getInt((int) position);
            long size = buffer.getLong((int) position + 4);
            long start = position + 12;
            if (size < 0 || start + size > bytes.length) {
                throw new ProverFailure(ProverErrorCode.TRUNCATED, magic + ": section type " + type + " announces " + Long.toUnsignedString(size)
                        + " bytes, the file has " + (bytes.length - start) + " left");
            }
            if (file.sections.putIfAbsent(type, new int[] {(int) start, (int) size}) != null) {
                throw new ProverFailure(ProverErrorCode.MISSING_SECTION, magic + ": section type " + type + " appears twice");
            }
            position = start + size;
        }
        return file;
    }

    private static String printable(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            out.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        }
        return out.toString();
    }

    /** A little-endian view of one section, positioned at its start and limited to its size. */
    Reader section(int type) {
        int[] s = sections.get(type);
        if (s == null) {
            throw new ProverFailure(ProverErrorCode.MISSING_SECTION, kind + ": section " + type + " is missing");
        }
        ByteBuffer slice = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        slice.position(s[0]).limit(s[0] + s[1]);
        return new Reader(slice.slice().order(ByteOrder.LITTLE_ENDIAN), kind + " section " + type);
    }

    /** Bounded little-endian reads that fail with {@link ProverErrorCode#TRUNCATED} at the section's end. */
    static final class Reader {
        private final ByteBuffer buffer;
        private final String name;

        Reader(ByteBuffer buffer, String name) {
            this.buffer = buffer;
            this.name = name;
        }

        int size() {
            return buffer.limit();
        }

        int remaining() {
            return buffer.remaining();
        }

        String name() {
            return name;
        }

        long u32() {
            try {
                return Integer.toUnsignedLong(buffer.getInt());
            } catch (BufferUnderflowException e) {
                throw truncated(4);
            }
        }

        long u64le() {
            try {
                return buffer.getLong();
            } catch (BufferUnderflowException e) {
                throw truncated(8);
            }
        }

        /** Reads n little-endian 64-bit limbs into out[offset…]. */
        void limbs(long[] out, int offset, int n) {
            if (buffer.remaining() < 8 * n) {
                throw truncated(8 * n);
            }
            for (int i = 0; i < n; i++) {
                out[offset + i] = buffer.getLong();
            }
        }

        byte[] bytes(int n) {
            if (buffer.remaining() < n) {
                throw truncated(n);
            }
            byte[] out = new byte[n];
            buffer.get(out);
            return out;
        }

        /** An unsigned little-endian integer of n bytes. */
        java.math.BigInteger bigInteger(int n) {
            byte[] le = bytes(n);
            byte[] be = new byte[n + 1];
            for (int i = 0; i < n; i++) {
                be[n - i] = le[i];
            }
            return new java.math.BigInteger(be);
        }

        private ProverFailure truncated(int wanted) {
            return new ProverFailure(ProverErrorCode.TRUNCATED, name + ": needs " + wanted + " more bytes at offset "
                    + buffer.position() + ", only " + buffer.remaining() + " left");
        }
    }
}
