package io.sensorproof.agent.outbox;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the records of one outbox file, checking each frame, and finds damage. After a damaged
 * region it searches forward for the next valid frame, so a single bad record costs only itself.
 * Offsets handed to the visitor are those the records will have once the damaged regions are cut
 * out (see {@link Outcome#goodRuns()}), so a caller can index a file before repairing it.
 */
final class RecordScanner {
    private static final int SEARCH_CHUNK = 64 << 10;

    private RecordScanner() {
    }

    /** Parses a checked frame; returns null when the record is not well formed for this file. */
    @FunctionalInterface
    interface Parser<T> {
        T parse(byte type, ByteBuffer body);
    }

    /** Receives each valid record. */
    @FunctionalInterface
    interface Visitor<T> {
        void accept(long offset, int bodyLength, T value, ByteBuffer body) throws IOException;
    }

    /**
     * What the scan found.
     *
     * @param size file size when scanned
     * @param firstDamage offset of the first damaged byte, or -1 when the file is clean
     * @param dataAfterDamage true when a valid record follows a damaged region (corruption, not a torn tail)
     * @param goodRuns [start, end) byte ranges of valid records, in order
     */
    record Outcome(long size, long firstDamage, boolean dataAfterDamage, List<long[]> goodRuns) {
        boolean clean() {
            return firstDamage < 0;
        }
    }

    private record Frame(byte type, ByteBuffer body, Object value) {
    }

    static <T> Outcome scan(FileChannel channel, Parser<T> parser, Visitor<T> visitor) throws IOException {
        long size = channel.size();
        List<long[]> runs = new ArrayList<>();
        long pos = 0;
        long runStart = 0;
        long shift = 0;
        long firstDamage = -1;
        boolean dataAfterDamage = false;
        while (pos < size) {
            Frame frame = readValid(channel, pos, size, parser);
            if (frame != null) {
                @SuppressWarnings("unchecked")
                T value = (T) frame.value();
                visitor.accept(pos - shift, frame.body().remaining(), value, frame.body());
                pos += RecordCodec.frameBytes(frame.body().remaining());
                continue;
            }
            if (firstDamage < 0) {
                firstDamage = pos;
            }
            if (pos > runStart) {
                runs.add(new long[] {runStart, pos});
            }
            long next = findNext(channel, pos + 1, size, parser);
            if (next < 0) {
                return new Outcome(size, firstDamage, dataAfterDamage, runs);
            }
            dataAfterDamage = true;
            shift += next - pos;
            pos = next;
            runStart = next;
        }
        if (pos > runStart) {
            runs.add(new long[] {runStart, pos});
        }
        return new Outcome(size, firstDamage, dataAfterDamage, runs);
    }

    /** The first record of the file if it is valid, else null (a cheap look at where a segment starts). */
    static <T> T first(FileChannel channel, Parser<T> parser) throws IOException {
        Frame frame = readValid(channel, 0, channel.size(), parser);
        @SuppressWarnings("unchecked")
        T value = frame == null ? null : (T) frame.value();
        return value;
    }

    private static Frame readValid(FileChannel channel, long pos, long size, Parser<?> parser) throws IOException {
        if (size - pos < RecordCodec.HEADER_BYTES) {
            return null;
        }
        ByteBuffer header = ByteBuffer.allocate(RecordCodec.HEADER_BYTES);
        Durable.readFully(channel, header, pos);
        int length = header.getInt(4);
        if (header.getInt(0) != RecordCodec.MAGIC || length < 0 || length > RecordCodec.MAX_BODY
                || pos + RecordCodec.HEADER_BYTES + length > size) {
            return null;
        }
        byte type = header.get(12);
        ByteBuffer body = ByteBuffer.allocate(length);
        Durable.readFully(channel, body, pos + RecordCodec.HEADER_BYTES);
        body.flip();
        if (RecordCodec.crc(type, body) != header.getInt(8)) {
            return null;
        }
        Object value = parser.parse(type, body);
        return value == null ? null : new Frame(type, body, value);
    }

    private static long findNext(FileChannel channel, long from, long size, Parser<?> parser) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(SEARCH_CHUNK);
        long base = from;
        while (size - base >= RecordCodec.HEADER_BYTES) {
            chunk.clear().limit((int) Math.min(SEARCH_CHUNK, size - base));
            Durable.readFully(channel, chunk, base);
            int n = chunk.position();
            for (int i = 0; i + 4 <= n; i++) {
                if (chunk.getInt(i) == RecordCodec.MAGIC && readValid(channel, base + i, size, parser) != null) {
                    return base + i;
                }
            }
            base += n - 3;
        }
        return -1;
    }
}
