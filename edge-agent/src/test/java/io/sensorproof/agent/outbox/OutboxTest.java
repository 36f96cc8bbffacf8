package io.sensorproof.agent.outbox;

import static io.sensorproof.agent.outbox.OutboxFixtures.config;
import static io.sensorproof.agent.outbox.OutboxFixtures.fixed;
import static io.sensorproof.agent.outbox.OutboxFixtures.ids;
import static io.sensorproof.agent.outbox.OutboxFixtures.message;
import static io.sensorproof.agent.outbox.OutboxFixtures.messages;
import static io.sensorproof.agent.outbox.OutboxFixtures.range;
import static io.sensorproof.agent.outbox.OutboxFixtures.roomy;
import static io.sensorproof.agent.outbox.OutboxFixtures.segmentFiles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxTest {
    @TempDir
    Path dir;

    @Test
    void appendedMessagesComeBackWithIdenticalBytesAfterReopen() throws IOException {
        List<OutboxMessage> batch = messages(1, 0, 49);
        try (Outbox outbox = Outbox.open(dir, roomy())) {
            outbox.append(batch.subList(0, 20));
            outbox.append(batch.subList(20, 50));
            assertThat(outbox.pending(null, 100)).isEqualTo(batch);
        }
        try (Outbox outbox = Outbox.open(dir, roomy())) {
            assertThat(outbox.pending(null, 100)).isEqualTo(batch);
            assertThat(outbox.oldestPending()).contains(new MessageId(1, 0));
            assertThat(outbox.stats().tornTailRepairs()).isZero();
            assertThat(outbox.stats().corruptSegments()).isZero();
        }
    }

    @Test
    void openCreatesTheDirectoryWhenMissing() throws IOException {
        Path nested = dir.resolve("a/b/outbox");
        try (Outbox outbox = Outbox.open(nested, roomy())) {
            assertThat(outbox.pending(null, 10)).isEmpty();
            assertThat(outbox.oldestPending()).isEmpty();
            assertThat(outbox.maxBootSeen()).isZero();
        }
        assertThat(nested).isDirectory();
    }

    @Test
    void pendingPagesInIdOrderStrictlyAfterTheGivenId() throws IOException {
        try (Outbox outbox = Outbox.open(dir, roomy())) {
            outbox.append(messages(1, 0, 9));
            outbox.append(messages(2, 0, 4));
            assertThat(ids(outbox.pending(null, 3))).isEqualTo(ids(1, 0, 1, 2));
            assertThat(ids(outbox.pending(new MessageId(1, 2), 3))).isEqualTo(ids(1, 3, 4, 5));
            assertThat(ids(outbox.pending(new MessageId(1, 8), 3))).containsExactly(new MessageId(1, 9), new MessageId(2, 0),
                    new MessageId(2, 1));
            assertThat(outbox.pending(new MessageId(2, 4), 3)).isEmpty();
            assertThat(outbox.pending(null, 0)).isEmpty();
            assertThatThrownBy(() -> outbox.pending(null, -1)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void markStoredRemovesNamedRangesAndSurvivesReopen() throws IOException {
        try (Outbox outbox = Outbox.open(dir, roomy())) {
            outbox.append(messages(1, 0, 9));
            int removed = outbox.markStored(1, List.of(new long[] {0, 2}, new long[] {5, 6}, new long[] {100, 200}));
            assertThat(removed).isEqualTo(5);
            assertThat(ids(outbox.pending(null, 100))).isEqualTo(ids(1, 3, 4, 7, 8, 9));
            assertThat(outbox.stats().lastStored()).contains(new MessageId(1, 6));
        }
        try (Outbox outbox = Outbox.open(dir, roomy())) {
            assertThat(ids(outbox.pending(null, 100))).isEqualTo(ids(1, 3, 4, 7, 8, 9));
            assertThat(outbox.stats().depth()).isEqualTo(5);
            assertThat(outbox.stats().lastStored()).contains(new MessageId(1, 6));
        }
    }

    @Test
    void replayedAcknowledgementIsHarmless() throws IOException {
        try (Outbox outbox = Outbox.open(dir, roomy())) {
            outbox.append(messages(1, 0, 4));
            assertThat(outbox.markStored(1, range(0, 2))).isEqualTo(3);
            assertThat(outbox.markStored(1, range(0, 2))).isZero();
            assertThat(outbox.markStored(9, range(0, 2))).isZero();
            assertThat(ids(outbox.pending(null, 10))).isEqualTo(ids(1, 3, 4));
        }
        try (Outbox outbox = Outbox.open(dir, roomy())) {
            assertThat(outbox.markStored(1, range(0, 2))).isZero();
            assertThat(ids(outbox.pending(null, 10))).isEqualTo(ids(1, 3, 4));
        }
    }

    @Test
    void markStoredRejectsMalformedRanges() throws IOException {
        try (Outbox outbox = Outbox.open(dir, roomy())) {
            assertThatThrownBy(() -> outbox.markStored(1, List.of(new long[] {5, 4}))).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> outbox.markStored(1, List.of(new long[] {1}))).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> outbox.markStored(1L << 32, range(0, 1))).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void markRejectedKeepsMessageAsideWithCodeAndBytesAndSurvivesReopen() throws IOException {
        Clock clock = Clock.fixed(Instant.ofEpochMilli(1_764_000_000_000L), ZoneOffset.UTC);
        OutboxMessage rejected = message(4, 2);
        try (Outbox outbox = Outbox.open(dir, roomy(), clock)) {
            outbox.append(messages(4, 0, 3));
            assertThat(outbox.markRejected(4, 2, "BAD_SIGNATURE", "signature does not verify")).isTrue();
            assertThat(ids(outbox.pending(null, 10))).isEqualTo(ids(4, 0, 1, 3));
            assertThat(outbox.keptAside()).containsExactly(
                    new KeptAside(rejected.id(), "BAD_SIGNATURE", "signature does not verify", rejected.bytes(), 1_764_000_000_000L));
            assertThat(outbox.stats().keptAside()).isEqualTo(1);
        }
        try (Outbox outbox = Outbox.open(dir, roomy(), clock)) {
            assertThat(ids(outbox.pending(null, 10))).isEqualTo(ids(4, 0, 1, 3));
            assertThat(outbox.keptAside()).singleElement().satisfies(k -> {
                assertThat(k.code()).isEqualTo("BAD_SIGNATURE");
                assertThat(k.bytes()).isEqualTo(rejected.bytes());
            });
            assertThat(outbox.stats().keptAside()).isEqualTo(1);
            assertThat(outbox.markRejected(4, 2, "BAD_SIGNATURE", "again")).isFalse();
        }
    }

    @Test
    void markRejectedReturnsFalseForMessagesThatAreNotPending() throws IOException {
        try (Outbox outbox = Outbox.open(dir, roomy())) {
            outbox.append(messages(1, 0, 1));
            outbox.markStored(1, range(0, 0));
            assertThat(outbox.markRejected(1, 0, "CONFLICTING_DUPLICATE", "stored already")).isFalse();
            assertThat(outbox.markRejected(1, 7, "CONFLICTING_DUPLICATE", "never appended")).isFalse();
            assertThat(outbox.keptAside()).isEmpty();
            assertThatThrownBy(() -> outbox.markRejected(1, 1, " ", "blank code")).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void segmentsRotateAndAreDeletedOnceFullyAcknowledged() throws IOException {
        OutboxConfig config = config(1 << 20, 3 * OutboxFixtures.FIXED_FRAME);
        try (Outbox outbox = Outbox.open(dir, config)) {
            for (long seq = 1; seq <= 8; seq++) {
                outbox.append(List.of(fixed(1, seq)));
            }
            List<Path> files = segmentFiles(dir);
            assertThat(files).hasSize(3);
            assertThat(files.get(0).getFileName().toString()).isEqualTo("seg-00000000000000000001.log");
            assertThat(Files.size(files.get(0))).isEqualTo(3L * OutboxFixtures.FIXED_FRAME);

            outbox.markStored(1, range(1, 2));
            assertThat(segmentFiles(dir)).containsExactlyElementsOf(files);
            outbox.markStored(1, range(3, 3));
            assertThat(segmentFiles(dir)).containsExactly(files.get(1), files.get(2));
            outbox.markRejected(1, 5, "INVALID_VALUE", "value out of range");
            outbox.markStored(1, List.of(new long[] {4, 4}, new long[] {6, 6}));
            assertThat(segmentFiles(dir)).containsExactly(files.get(2));
            outbox.markStored(1, range(7, 8));
            assertThat(segmentFiles(dir)).as("the active segment stays").containsExactly(files.get(2));
            assertThat(outbox.stats().depth()).isZero();
            assertThat(outbox.stats().bytes()).isEqualTo(2L * OutboxFixtures.FIXED_FRAME);
        }
        try (Outbox outbox = Outbox.open(dir, config)) {
            assertThat(outbox.pending(null, 10)).isEmpty();
            outbox.append(List.of(fixed(1, 9)));
            assertThat(ids(outbox.pending(null, 10))).isEqualTo(ids(1, 9));
        }
    }

    @Test
    void appendRefusesIdsThatAreNotNew() throws IOException {
        try (Outbox outbox = Outbox.open(dir, roomy())) {
            outbox.append(messages(2, 0, 4));
            assertThatThrownBy(() -> outbox.append(List.of(message(2, 4)))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("2:4");
            assertThatThrownBy(() -> outbox.append(List.of(message(1, 99)))).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> outbox.append(List.of(message(2, 6), message(2, 6))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ascending");
            outbox.markStored(2, range(0, 4));
            assertThat(outbox.stats().depth()).isZero();
        }
        try (Outbox outbox = Outbox.open(dir, roomy())) {
            assertThatThrownBy(() -> outbox.append(List.of(message(2, 3)))).as("stored before the restart")
                    .isInstanceOf(IllegalArgumentException.class);
            outbox.append(List.of(message(2, 5)));
            assertThat(ids(outbox.pending(null, 10))).isEqualTo(ids(2, 5));
        }
    }

    @Test
    void rejectedIdCannotBeAppendedAgainAfterReopen() throws IOException {
        try (Outbox outbox = Outbox.open(dir, roomy())) {
            outbox.append(messages(3, 0, 1));
            outbox.markStored(3, range(0, 0));
            outbox.markRejected(3, 1, "UNKNOWN_KEY", "no key for kid");
        }
        try (Outbox outbox = Outbox.open(dir, roomy())) {
            assertThatThrownBy(() -> outbox.append(List.of(message(3, 1)))).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void maxBootSeenCoversSegmentsAcksAndKeptAsideAfterReopen() throws IOException {
        try (Outbox outbox = Outbox.open(dir, roomy())) {
            assertThat(outbox.maxBootSeen()).isZero();
            outbox.append(List.of(message(3, 1), message(7, 1), message(7, 2)));
            assertThat(outbox.maxBootSeen()).isEqualTo(7);
        }
        try (Outbox outbox = Outbox.open(dir, roomy())) {
            assertThat(outbox.maxBootSeen()).as("from the segment").isEqualTo(7);
            outbox.markStored(7, range(1, 2));
            outbox.markRejected(3, 1, "UNKNOWN_KEY", "no key");
            assertThat(segmentFiles(dir)).hasSize(1);
        }
        try (Outbox outbox = Outbox.open(dir, roomy())) {
            assertThat(outbox.stats().depth()).isZero();
            assertThat(outbox.maxBootSeen()).as("from acks.log").isEqualTo(7);
            assertThat(outbox.stats().lastStored()).contains(new MessageId(7, 2));
        }
        Path other = dir.resolve("other");
        try (Outbox outbox = Outbox.open(other, roomy())) {
            outbox.append(List.of(message(9, 1)));
            outbox.markRejected(9, 1, "BAD_SIGNATURE", "bad");
        }
        Files.delete(other.resolve(Outbox.ACKS));
        for (Path segment : segmentFiles(other)) {
            Files.delete(segment);
        }
        try (Outbox outbox = Outbox.open(other, roomy())) {
            assertThat(outbox.maxBootSeen()).as("from kept-aside.log alone").isEqualTo(9);
        }
    }

    @Test
    void statsReportDepthBytesOldestAndLastStored() throws IOException {
        try (Outbox outbox = Outbox.open(dir, roomy())) {
            assertThat(outbox.stats()).isEqualTo(new OutboxStats(0, 0, Optional.empty(), Optional.empty(), 0, 0, 0, 0, 0, 0, 0, 0));
            outbox.append(List.of(fixed(1, 1), fixed(1, 2), fixed(1, 3)));
            outbox.markStored(1, range(1, 1));
            OutboxStats stats = outbox.stats();
            assertThat(stats.depth()).isEqualTo(2);
            assertThat(stats.bytes()).isEqualTo(3L * OutboxFixtures.FIXED_FRAME);
            assertThat(stats.oldestPending()).contains(new MessageId(1, 2));
            assertThat(stats.lastStored()).contains(new MessageId(1, 1));
        }
    }

    @Test
    void acksLogIsCompactedAtOpenToWhatLiveSegmentsStillNeed() throws IOException {
        OutboxConfig tenPerSegment = config(1 << 20, 10L * OutboxFixtures.FIXED_FRAME);
        try (Outbox outbox = Outbox.open(dir, tenPerSegment)) {
            for (long seq = 0; seq < 200; seq += 10) {
                List<OutboxMessage> batch = new ArrayList<>();
                for (long i = seq; i < seq + 10; i++) {
                    batch.add(fixed(1, i));
                }
                outbox.append(batch);
            }
            for (long seq = 0; seq < 150; seq++) {
                outbox.markStored(1, range(seq, seq));
            }
            outbox.markStored(1, range(153, 153));
            outbox.markRejected(1, 151, "INVALID_VALUE", "NaN");
            assertThat(segmentFiles(dir)).hasSize(5);
        }
        long before = Files.size(dir.resolve(Outbox.ACKS));
        try (Outbox outbox = Outbox.open(dir, tenPerSegment)) {
            assertThat(Files.size(dir.resolve(Outbox.ACKS))).isLessThan(before / 10);
            assertThat(outbox.stats().depth()).isEqualTo(48);
            assertThat(ids(outbox.pending(null, 3))).isEqualTo(ids(1, 150, 152, 154));
            assertThat(outbox.stats().lastStored()).contains(new MessageId(1, 153));
        }
        try (Outbox outbox = Outbox.open(dir, tenPerSegment)) {
            assertThat(outbox.stats().depth()).as("a compacted log replays to the same state").isEqualTo(48);
            assertThat(ids(outbox.pending(null, 3))).isEqualTo(ids(1, 150, 152, 154));
            assertThat(outbox.keptAside()).hasSize(1);
            assertThat(outbox.stats().lastStored()).contains(new MessageId(1, 153));
            assertThatThrownBy(() -> outbox.append(List.of(fixed(1, 199)))).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void acksLogIsCompactedWhileOpenOnceItGrowsPastTheThreshold() throws IOException {
        OutboxConfig tenPerSegment = config(1 << 20, 10L * OutboxFixtures.FIXED_FRAME);
        Path acks = dir.resolve(Outbox.ACKS);
        try (Outbox outbox = Outbox.open(dir, tenPerSegment, Clock.systemUTC(), 2048)) {
            for (long seq = 0; seq < 200; seq += 10) {
                List<OutboxMessage> batch = new ArrayList<>();
                for (long i = seq; i < seq + 10; i++) {
                    batch.add(fixed(1, i));
                }
                outbox.append(batch);
            }
            long written = 0;
            for (long seq = 0; seq < 190; seq++) {
                outbox.markStored(1, range(seq, seq));
                written += 25;
                assertThat(Files.size(acks)).isLessThanOrEqualTo(2048 + 25);
            }
            assertThat(written).as("without compaction the log would be this big").isGreaterThan(2 * 2048);
            outbox.markRejected(1, 195, "INVALID_VALUE", "NaN");
            outbox.markStored(1, range(196, 196));
            assertThat(ids(outbox.pending(null, 20))).isEqualTo(ids(1, 190, 191, 192, 193, 194, 197, 198, 199));
        }
        try (Outbox outbox = Outbox.open(dir, tenPerSegment)) {
            assertThat(ids(outbox.pending(null, 20))).isEqualTo(ids(1, 190, 191, 192, 193, 194, 197, 198, 199));
            assertThat(outbox.stats().lastStored()).contains(new MessageId(1, 196));
            assertThat(outbox.keptAside()).singleElement().satisfies(k -> assertThat(k.id()).isEqualTo(new MessageId(1, 195)));
        }
    }

    @Test
    void secondOpenOfTheSameDirectoryIsRefused() throws IOException {
        try (Outbox outbox = Outbox.open(dir, roomy())) {
            assertThatThrownBy(() -> Outbox.open(dir, roomy())).isInstanceOf(IOException.class).hasMessageContaining("already open");
        }
        try (Outbox outbox = Outbox.open(dir, roomy())) {
            assertThat(outbox.stats().depth()).isZero();
        }
    }

    @Test
    void operationsAfterCloseFail() throws IOException {
        Outbox outbox = Outbox.open(dir, roomy());
        outbox.close();
        outbox.close();
        assertThatThrownBy(() -> outbox.append(List.of(message(1, 1)))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> outbox.pending(null, 1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void valuesValidateTheirRanges() {
        assertThatThrownBy(() -> new MessageId(-1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MessageId(0, 1L << 32)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new MessageId(1, 0xffff_ffffL)).isLessThan(new MessageId(2, 0));
        assertThat(new MessageId(2, 3)).isGreaterThan(new MessageId(2, 2));
        assertThatThrownBy(() -> new OutboxMessage(new MessageId(1, 1), 1, new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OutboxMessage(new MessageId(1, 1), -1, new byte[1])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OutboxConfig.withCapacity(0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(OutboxConfig.withCapacity(1 << 30).segmentBytes()).isEqualTo(8L << 20);
    }
}
