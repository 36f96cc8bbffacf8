package io.sensorproof.agent.outbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Messages, configurations and file helpers shared by the outbox tests. */
final class OutboxFixtures {
    /** Frame of a message with {@link #FIXED_BYTES} bytes: 13 header + 12 id/readings + 75. */
    static final int FIXED_FRAME = 100;
    static final int FIXED_BYTES = FIXED_FRAME - 25;

    private OutboxFixtures() {
    }

    /** A message whose bytes are derived from its id and whose length varies with seq. */
    static OutboxMessage message(long boot, long seq) {
        return message(boot, seq, 20 + (int) (seq % 37));
    }

    /** A message of exactly {@code size} bytes, {@code seq % 5 + 1} readings. */
    static OutboxMessage message(long boot, long seq, int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (boot * 31 + seq * 7 + i * 13);
        }
        return new OutboxMessage(new MessageId(boot, seq), (int) (seq % 5) + 1, bytes);
    }

    /** A message whose record is exactly {@link #FIXED_FRAME} bytes. */
    static OutboxMessage fixed(long boot, long seq) {
        return message(boot, seq, FIXED_BYTES);
    }

    static List<OutboxMessage> messages(long boot, long firstSeq, long lastSeq) {
        List<OutboxMessage> result = new ArrayList<>();
        for (long seq = firstSeq; seq <= lastSeq; seq++) {
            result.add(message(boot, seq));
        }
        return result;
    }

    static OutboxConfig config(long capacityBytes, long segmentBytes) {
        return new OutboxConfig(capacityBytes, segmentBytes, OverflowPolicy.BLOCK, Duration.ofSeconds(10));
    }

    static OutboxConfig roomy() {
        return config(64L << 20, 1L << 20);
    }

    static List<long[]> range(long first, long last) {
        return List.of(new long[] {first, last});
    }

    static List<MessageId> ids(List<OutboxMessage> messages) {
        return messages.stream().map(OutboxMessage::id).toList();
    }

    static List<MessageId> ids(long boot, long... seqs) {
        List<MessageId> result = new ArrayList<>();
        for (long seq : seqs) {
            result.add(new MessageId(boot, seq));
        }
        return result;
    }

    static List<Path> segmentFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().matches("seg-\\d{20}\\.log")).sorted().toList();
        }
    }

    static List<Path> corruptCopies(Path dir) throws IOException {
        Path corrupt = dir.resolve(Outbox.CORRUPT_DIR);
        if (!Files.isDirectory(corrupt)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(corrupt)) {
            return files.sorted().toList();
        }
    }

    static void flipByte(Path file, long offset) throws IOException {
        byte[] content = Files.readAllBytes(file);
        content[(int) offset] ^= 0x5a;
        Files.write(file, content);
    }

    static void truncate(Path file, long size) throws IOException {
        byte[] content = Files.readAllBytes(file);
        byte[] cut = new byte[(int) size];
        System.arraycopy(content, 0, cut, 0, (int) size);
        Files.write(file, cut);
    }
}
