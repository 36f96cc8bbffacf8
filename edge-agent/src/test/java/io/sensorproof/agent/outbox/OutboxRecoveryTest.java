package io.sensorproof.agent.outbox;

import static io.sensorproof.agent.outbox.OutboxFixtures.config;
import static io.sensorproof.agent.outbox.OutboxFixtures.corruptCopies;
import static io.sensorproof.agent.outbox.OutboxFixtures.fixed;
import static io.sensorproof.agent.outbox.OutboxFixtures.flipByte;
import static io.sensorproof.agent.outbox.OutboxFixtures.ids;
import static io.sensorproof.agent.outbox.OutboxFixtures.message;
import static io.sensorproof.agent.outbox.OutboxFixtures.messages;
import static io.sensorproof.agent.outbox.OutboxFixtures.range;
import static io.sensorproof.agent.outbox.OutboxFixtures.roomy;
import static io.sensorproof.agent.outbox.OutboxFixtures.segmentFiles;
import static io.sensorproof.agent.outbox.OutboxFixtures.truncate;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Crash and damage recovery, with the damage injected into the real files. */
class OutboxRecoveryTest {
    private static final int FRAME = OutboxFixtures.FIXED_FRAME;

    @TempDir
    Path dir;

    @Test
    void everyTruncationOfTheLastRecordIsRepairedAsATornTail() throws IOException {
        Path original = dir.resolve("original");
        List<OutboxMessage> written = messages(5, 0, 3);
        try (Outbox outbox = Outbox.open(original, roomy())) {
            outbox.append(written.subList(0, 3));
            outbox.append(written.subList(3, 4));
        }
        Path segment = segmentFiles(original).get(0);
        byte[] content = Files.readAllBytes(segment);
        int lastStart = content.length - (25 + written.get(3).bytes().length);
        for (int cut = lastStart; cut < content.length; cut++) {
            Path copy = dir.resolve("cut-" + cut);
            Files.createDirectories(copy);
            Files.write(copy.resolve(segment.getFileName()), Arrays.copyOf(content, cut));
            try (Outbox outbox = Outbox.open(copy, roomy())) {
                assertThat(outbox.pending(null, 10)).as("cut at %d", cut).isEqualTo(written.subList(0, 3));
                assertThat(outbox.stats().tornTailRepairs()).as("cut at %d", cut).isEqualTo(cut > lastStart ? 1 : 0);
                assertThat(outbox.stats().corruptSegments()).isZero();
                assertThat(Files.size(copy.resolve(segment.getFileName()))).isEqualTo(lastStart);
                outbox.append(List.of(written.get(3), message(5, 4)));
            }
            try (Outbox outbox = Outbox.open(copy, roomy())) {
                assertThat(ids(outbox.pending(null, 10))).as("cut at %d", cut).isEqualTo(ids(5, 0, 1, 2, 3, 4));
                assertThat(outbox.pending(null, 10).get(3)).isEqualTo(written.get(3));
                assertThat(outbox.stats().tornTailRepairs()).isZero();
            }
            assertThat(corruptCopies(copy)).isEmpty();
        }
    }

    @Test
    void zeroFilledTailOfTheLastSegmentIsATornTail() throws IOException {
        try (Outbox outbox = Outbox.open(dir, roomy())) {
            outbox.append(messages(1, 0, 2));
        }
        Path segment = segmentFiles(dir).get(0);
        long size = Files.size(segment);
        Files.write(segment, new byte[4096], StandardOpenOption.APPEND);
        try (Outbox outbox = Outbox.open(dir, roomy())) {
            assertThat(ids(outbox.pending(null, 10))).isEqualTo(ids(1, 0, 1, 2));
            assertThat(outbox.stats().tornTailRepairs()).isEqualTo(1);
            assertThat(Files.size(segment)).isEqualTo(size);
        }
    }

    @Test
    void flippedByteInANonLastSegmentIsCopiedAsideAndCostsOnlyTheDamagedRecord() throws IOException {
        writeSevenMessagesInThreeSegments();
        Path first = segmentFiles(dir).get(0);
        flipByte(first, FRAME + 50);
        byte[] damaged = Files.readAllBytes(first);

        try (Outbox outbox = Outbox.open(dir, threePerSegment())) {
            assertThat(ids(outbox.pending(null, 10))).isEqualTo(ids(1, 1, 3, 4, 5, 6, 7));
            assertThat(outbox.pending(null, 10).get(1)).isEqualTo(fixed(1, 3));
            assertThat(outbox.stats().corruptSegments()).isEqualTo(1);
            assertThat(outbox.stats().tornTailRepairs()).isZero();
        }
        assertThat(corruptCopies(dir)).singleElement().satisfies(copy -> {
            assertThat(copy.getFileName().toString()).startsWith(first.getFileName().toString());
            assertThat(Files.readAllBytes(copy)).isEqualTo(damaged);
        });
        assertThat(Files.size(first)).isEqualTo(2L * FRAME);
        try (Outbox outbox = Outbox.open(dir, threePerSegment())) {
            assertThat(outbox.stats().corruptSegments()).as("the repaired file is clean").isZero();
            assertThat(ids(outbox.pending(null, 10))).isEqualTo(ids(1, 1, 3, 4, 5, 6, 7));
        }
    }

    @Test
    void damagedLengthFieldCostsOnlyThatRecord() throws IOException {
        writeSevenMessagesInThreeSegments();
        flipByte(segmentFiles(dir).get(1), 4);
        try (Outbox outbox = Outbox.open(dir, threePerSegment())) {
            assertThat(ids(outbox.pending(null, 10))).isEqualTo(ids(1, 1, 2, 3, 5, 6, 7));
            assertThat(outbox.stats().corruptSegments()).isEqualTo(1);
        }
    }

    @Test
    void damagedFinalRecordOfANonLastSegmentIsCorruptionNotATornTail() throws IOException {
        writeSevenMessagesInThreeSegments();
        flipByte(segmentFiles(dir).get(0), 2L * FRAME + 60);
        try (Outbox outbox = Outbox.open(dir, threePerSegment())) {
            assertThat(ids(outbox.pending(null, 10))).isEqualTo(ids(1, 1, 2, 4, 5, 6, 7));
            assertThat(outbox.stats().corruptSegments()).isEqualTo(1);
            assertThat(outbox.stats().tornTailRepairs()).isZero();
        }
        assertThat(corruptCopies(dir)).hasSize(1);
    }

    @Test
    void damageInTheMiddleOfTheLastSegmentKeepsTheRecordsAfterIt() throws IOException {
        try (Outbox outbox = Outbox.open(dir, roomy())) {
            outbox.append(List.of(fixed(1, 1), fixed(1, 2), fixed(1, 3)));
        }
        flipByte(segmentFiles(dir).get(0), 0);
        try (Outbox outbox = Outbox.open(dir, roomy())) {
            assertThat(ids(outbox.pending(null, 10))).isEqualTo(ids(1, 2, 3));
            assertThat(outbox.stats().corruptSegments()).isEqualTo(1);
            outbox.append(List.of(fixed(1, 4)));
        }
        try (Outbox outbox = Outbox.open(dir, roomy())) {
            assertThat(ids(outbox.pending(null, 10))).isEqualTo(ids(1, 2, 3, 4));
        }
    }

    @Test
    void tornTailOfTheAcksLogBringsBackOnlyTheLastAcknowledgedMessage() throws IOException {
        try (Outbox outbox = Outbox.open(dir, roomy())) {
            outbox.append(messages(1, 0, 3));
            outbox.markStored(1, range(0, 0));
            outbox.markStored(1, range(1, 1));
        }
        Path acks = dir.resolve(Outbox.ACKS);
        truncate(acks, Files.size(acks) - 5);
        try (Outbox outbox = Outbox.open(dir, roomy())) {
            assertThat(ids(outbox.pending(null, 10))).isEqualTo(ids(1, 1, 2, 3));
            assertThat(outbox.stats().tornTailRepairs()).isEqualTo(1);
            assertThat(outbox.stats().lastStored()).contains(new MessageId(1, 0));
            assertThat(outbox.markStored(1, range(1, 1))).as("the gateway acknowledges the resend again").isEqualTo(1);
        }
        try (Outbox outbox = Outbox.open(dir, roomy())) {
            assertThat(ids(outbox.pending(null, 10))).isEqualTo(ids(1, 2, 3));
            assertThat(outbox.stats().tornTailRepairs()).isZero();
        }
    }

    @Test
    void keptAsideMessageStaysRejectedWhenItsAcksRecordWasLost() throws IOException {
        Path acks = dir.resolve(Outbox.ACKS);
        long beforeRejection;
        try (Outbox outbox = Outbox.open(dir, roomy())) {
            outbox.append(messages(1, 0, 2));
            beforeRejection = Files.size(acks);
            outbox.markRejected(1, 1, "INVALID_SENML", "bad pack");
        }
        truncate(acks, beforeRejection);
        try (Outbox outbox = Outbox.open(dir, roomy())) {
            assertThat(ids(outbox.pending(null, 10))).isEqualTo(ids(1, 0, 2));
            assertThat(outbox.keptAside()).singleElement().satisfies(k -> assertThat(k.code()).isEqualTo("INVALID_SENML"));
        }
    }

    @Test
    void rejectionInTheAcksLogRebuildsAMissingKeptAsideRecordFromTheSegment() throws IOException {
        try (Outbox outbox = Outbox.open(dir, roomy())) {
            outbox.append(messages(1, 0, 2));
            outbox.markRejected(1, 1, "INVALID_SENML", "bad pack");
        }
        Files.delete(dir.resolve(Outbox.KEPT_ASIDE));
        try (Outbox outbox = Outbox.open(dir, roomy())) {
            assertThat(ids(outbox.pending(null, 10))).isEqualTo(ids(1, 0, 2));
            assertThat(outbox.keptAside()).singleElement().satisfies(k -> {
                assertThat(k.id()).isEqualTo(new MessageId(1, 1));
                assertThat(k.code()).isEqualTo("INVALID_SENML");
                assertThat(k.message()).isEqualTo("bad pack");
                assertThat(k.bytes()).isEqualTo(message(1, 1).bytes());
            });
            assertThat(outbox.stats().keptAside()).isEqualTo(1);
        }
    }

    @Test
    void tornTailOfTheKeptAsideLogIsTruncated() throws IOException {
        try (Outbox outbox = Outbox.open(dir, roomy())) {
            outbox.append(messages(1, 0, 2));
            outbox.markRejected(1, 1, "INVALID_SENML", "bad pack");
        }
        Files.write(dir.resolve(Outbox.KEPT_ASIDE), new byte[] {0x53, 0x50, 0x4f}, StandardOpenOption.APPEND);
        try (Outbox outbox = Outbox.open(dir, roomy())) {
            assertThat(outbox.keptAside()).hasSize(1);
            assertThat(outbox.stats().tornTailRepairs()).isEqualTo(1);
        }
    }

    @Test
    void recordDamagedAfterOpenIsKeptAsideInsteadOfSent() throws IOException {
        try (Outbox outbox = Outbox.open(dir, roomy())) {
            outbox.append(List.of(fixed(1, 1), fixed(1, 2), fixed(1, 3)));
            try (FileChannel channel = FileChannel.open(segmentFiles(dir).get(0), StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(new byte[] {0x7f}), FRAME + 60);
            }
            assertThat(ids(outbox.pending(null, 10))).isEqualTo(ids(1, 1, 3));
            assertThat(outbox.keptAside()).singleElement().satisfies(k -> {
                assertThat(k.id()).isEqualTo(new MessageId(1, 2));
                assertThat(k.code()).isEqualTo(Outbox.CORRUPT_CODE);
            });
            assertThat(outbox.stats().corruptSegments()).isEqualTo(1);
            assertThat(outbox.stats().depth()).isEqualTo(2);
        }
        assertThat(corruptCopies(dir)).hasSize(1);
        try (Outbox outbox = Outbox.open(dir, roomy())) {
            assertThat(ids(outbox.pending(null, 10))).isEqualTo(ids(1, 1, 3));
        }
    }

    @Test
    void leftoverTemporaryFilesFromAnInterruptedRewriteAreIgnored() throws IOException {
        try (Outbox outbox = Outbox.open(dir, roomy())) {
            outbox.append(messages(1, 0, 2));
            outbox.markStored(1, range(0, 0));
        }
        Files.write(dir.resolve(Outbox.ACKS + ".tmp"), new byte[] {1, 2, 3});
        Files.write(dir.resolve("seg-00000000000000000001.log.tmp"), new byte[] {4, 5, 6});
        try (Outbox outbox = Outbox.open(dir, roomy())) {
            assertThat(ids(outbox.pending(null, 10))).isEqualTo(ids(1, 1, 2));
            assertThat(outbox.stats().tornTailRepairs()).isZero();
            assertThat(outbox.stats().corruptSegments()).isZero();
        }
        assertThat(dir.resolve(Outbox.ACKS + ".tmp")).doesNotExist();
        assertThat(dir.resolve("seg-00000000000000000001.log.tmp")).doesNotExist();
    }

    @Test
    void garbageFileNamedLikeASegmentNeverPreventsOpening() throws IOException {
        try (Outbox outbox = Outbox.open(dir, roomy())) {
            outbox.append(messages(1, 0, 1));
        }
        byte[] noise = new byte[10_000];
        new Random(7).nextBytes(noise);
        Files.write(dir.resolve("seg-00000000000000000002.log"), noise);
        try (Outbox outbox = Outbox.open(dir, roomy())) {
            assertThat(ids(outbox.pending(null, 10))).isEqualTo(ids(1, 0, 1));
            outbox.append(List.of(message(1, 2)));
            assertThat(ids(outbox.pending(null, 10))).isEqualTo(ids(1, 0, 1, 2));
        }
    }

    private void writeSevenMessagesInThreeSegments() throws IOException {
        try (Outbox outbox = Outbox.open(dir, threePerSegment())) {
            List<OutboxMessage> all = new ArrayList<>();
            for (long seq = 1; seq <= 7; seq++) {
                all.add(fixed(1, seq));
                outbox.append(List.of(fixed(1, seq)));
            }
            assertThat(outbox.pending(null, 10)).isEqualTo(all);
        }
        assertThat(segmentFiles(dir)).hasSize(3);
    }

    private static OutboxConfig threePerSegment() {
        return config(1 << 20, 3L * FRAME);
    }
}
