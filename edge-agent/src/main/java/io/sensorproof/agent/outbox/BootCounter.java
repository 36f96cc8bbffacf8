package io.sensorproof.agent.outbox;

import io.sensorproof.protocol.message.MessageHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * The boot counter, persisted before use so that {@code (boot, seq)} is never reused: a crash
 * right after {@link #next} returns still finds the new value on the next start. The file
 * {@code boot} holds one line, {@code boot=<decimal> crc32c=<8 hex digits>}, the checksum covering
 * {@code boot=<decimal>}. A file that does not match is refused rather than reset, because
 * resetting could reuse identities the gateway has already seen.
 */
public final class BootCounter {
    static final String FILE = "boot";
    private static final String TEMP = "boot.tmp";
    private static final Pattern LINE = Pattern.compile("(boot=(0|[1-9][0-9]{0,9})) crc32c=([0-9a-f]{8})\n");

    private BootCounter() {
    }

    /**
     * Reads {@code dataDir/boot} (0 if absent), computes {@code max(stored, floor) + 1}, writes it
     * durably (temporary file, force, atomic rename, force of the directory) and returns it.
     *
     * @param floor a value the result must exceed, such as {@link Outbox#maxBootSeen()}; in [0, 2^32)
     * @throws IOException when the file is corrupt or cannot be written
     * @throws IllegalStateException when the counter would reach 2^32
     */
    public static long next(Path dataDir, long floor) throws IOException {
        return next(dataDir, floor, FileIo.SYSTEM);
    }

    /** {@link #next(Path, long)} through a given file layer (fault tests). */
    public static long next(Path dataDir, long floor, FileIo io) throws IOException {
        if (floor < 0 || floor > MessageHeader.MAX_COUNTER) {
            throw new IllegalArgumentException("floor must be in [0, 2^32): " + floor);
        }
        Files.createDirectories(dataDir);
        Path file = dataDir.resolve(FILE);
        long next = Math.max(read(file), floor) + 1;
        if (next > MessageHeader.MAX_COUNTER) {
            throw new IllegalStateException("boot counter in " + file + " is exhausted: it must stay below 2^32");
        }
        String value = "boot=" + next;
        String line = value + " crc32c=" + crcHex(value) + "\n";
        Durable.replaceAtomically(io, dataDir.resolve(TEMP), file, ByteBuffer.wrap(line.getBytes(StandardCharsets.US_ASCII)));
        return next;
    }

    private static long read(Path file) throws IOException {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return 0;
        }
        Matcher m = LINE.matcher(new String(content, StandardCharsets.ISO_8859_1));
        if (!m.matches() || !crcHex(m.group(1)).equals(m.group(3))) {
            throw new IOException("boot counter file " + file + " is corrupt; refusing to reset it, which could reuse message ids."
                    + " Restore it, or write a value above the highest boot the gateway has seen");
        }
        long value = Long.parseLong(m.group(2));
        if (value > MessageHeader.MAX_COUNTER) {
            throw new IOException("boot counter file " + file + " holds " + value + ", not below 2^32");
        }
        return value;
    }

    private static String crcHex(String s) {
        CRC32C crc = new CRC32C();
        crc.update(s.getBytes(StandardCharsets.US_ASCII));
        return String.format(Locale.ROOT, "%08x", crc.getValue());
    }
}
