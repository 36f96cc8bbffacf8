package io.sensorproof.agent.outbox;

import static io.sensorproof.agent.outbox.OutboxFixtures.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.agent.outbox.RecordCodec.Dropped;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 item 4: {@code kept-aside.log} and {@code dropped.log} are bounded. A device with a wrong
 * clock has every message rejected (FUTURE_TIMESTAMP is final) and must not fill its disk; what is
 * discarded is counted and the counters survive restarts.
 */
class OutboxBoundedLogsTest {
    private static final long KEPT_MAX = OutboxConfig.MIN_KEPT_ASIDE_MAX_BYTES;
    private static final long DROPPED_MAX = OutboxConfig.MIN_DROPPED_LOG_MAX_BYTES;
    private static final int SIZE = 24 << 10;

    @TempDir
    Path dir;

    private static OutboxConfig bounded(long capacity, long segment, OverflowPolicy policy) {
        return new OutboxConfig(capacity, segment, policy, Duration.ZERO, KEPT_MAX, DROPPED_MAX);
    }

    @Test
    void keptAsideLogStaysBoundedWhenEveryMessageIsRejected() throws Exception {
        int messages = 300; // 7.4 MB of rejected messages, more than three times the bound
        long frame = RecordCodec.frameBytes(8 + 8 + RecordCodec.reasonBytes("FUTURE_TIMESTAMP", "clock ahead") + 4 + SIZE);
        OutboxConfig config = bounded(64L << 20, 128L << 10, OverflowPolicy.BLOCK);
        long largest = 0;
        try (Outbox outbox = Outbox.open(dir, config)) {
            for (int seq = 0; seq < messages; seq++) {
                outbox.append(List.of(message(1, seq, SIZE)));
                assertThat(outbox.markRejected(1, seq, "FUTURE_TIMESTAMP", "clock ahead")).isTrue();
                largest = Math.max(largest, Files.size(dir.resolve(Outbox.KEPT_ASIDE)));
            }
            OutboxStats stats = outbox.stats();
            assertThat(stats.keptAside()).as("every rejection counted").isEqualTo(messages);
            assertThat(stats.keptAsideDiscarded()).as("the oldest discarded and counted").isPositive();
            List<KeptAside> onDisk = outbox.keptAside();
            assertThat(onDisk).hasSize((int) (stats.keptAside() - stats.keptAsideDiscarded()));
            assertThat(onDisk.get(onDisk.size() - 1).id()).as("the newest is kept").isEqualTo(new MessageId(1, messages - 1));
        }
        assertThat(largest).as("kept-aside.log never passed its bound by more than one record").isLessThanOrEqualTo(KEPT_MAX + frame);
        try (Outbox reopened = Outbox.open(dir, config)) {
            assertThat(reopened.stats().keptAside()).as("counters survive a restart").isEqualTo(messages);
            assertThat(reopened.stats().keptAsideDiscarded()).isEqualTo(messages - reopened.keptAside().size());
            assertThatThrownBy(() -> reopened.append(List.of(message(1, messages - 1, SIZE))))
                    .as("ids of discarded records are still known as used").isInstanceOf(IllegalArgumentException.class);
            assertThat(reopened.stats().depth()).isZero();
        }
    }

    @Test
    void keepsTheRecordsOfRejectedMessagesWhoseSegmentIsStillLive() throws Exception {
        // one pending message holds the only segment: every rejected message in it stays needed by replay
        int messages = 200;
        OutboxConfig config = bounded(64L << 20, 64L << 20, OverflowPolicy.BLOCK);
        try (Outbox outbox = Outbox.open(dir, config)) {
            outbox.append(List.of(message(1, 0, 100)));
            for (int seq = 1; seq <= messages; seq++) {
                outbox.append(List.of(message(1, seq, SIZE)));
                outbox.markRejected(1, seq, "FUTURE_TIMESTAMP", "clock ahead");
            }
            assertThat(outbox.stats().keptAsideDiscarded()).isZero();
        }
        try (Outbox reopened = Outbox.open(dir, config)) {
            assertThat(OutboxFixtures.ids(reopened.pending(null, Integer.MAX_VALUE))).containsExactly(new MessageId(1, 0));
            assertThat(reopened.stats().keptAside()).as("nothing rebuilt twice after a restart").isEqualTo(messages);
            assertThat(reopened.keptAside()).hasSize(messages);
            reopened.markStored(1, OutboxFixtures.range(0, 0));
        }
        try (Outbox reopened = Outbox.open(dir, config)) {
            assertThat(reopened.stats().depth()).isZero();
            assertThat(reopened.stats().keptAside()).isEqualTo(messages);
        }
    }

    @Test
    void compactsAnOversizedKeptAsideLogAtOpen() throws Exception {
        int messages = 150;
        OutboxConfig roomy = new OutboxConfig(64L << 20, 64L << 10, OverflowPolicy.BLOCK, Duration.ZERO, 64L << 20, DROPPED_MAX);
        try (Outbox outbox = Outbox.open(dir, roomy)) {
            for (int seq = 0; seq < messages; seq++) {
                outbox.append(List.of(message(1, seq, SIZE)));
                outbox.markRejected(1, seq, "FUTURE_TIMESTAMP", "clock ahead");
            }
        }
        assertThat(Files.size(dir.resolve(Outbox.KEPT_ASIDE))).isGreaterThan(KEPT_MAX);
        try (Outbox outbox = Outbox.open(dir, bounded(64L << 20, 64L << 10, OverflowPolicy.BLOCK))) {
            assertThat(Files.size(dir.resolve(Outbox.KEPT_ASIDE))).isLessThanOrEqualTo(KEPT_MAX);
            assertThat(outbox.stats().keptAside()).isEqualTo(messages);
            assertThat(outbox.stats().keptAsideDiscarded()).isEqualTo(messages - outbox.keptAside().size()).isPositive();
        }
    }

    @Test
    void droppedLogStaysBoundedAndNoDroppedMessageComesBack() throws Exception {
        OutboxConfig config = bounded(8L << 10, 1L << 10, OverflowPolicy.DROP_OLDEST);
        int messages = 600;
        long readings = 0;
        long largest = 0;
        List<MessageId> pendingBefore;
        try (Outbox outbox = Outbox.open(dir, config)) {
            for (int seq = 0; seq < messages; seq++) {
                OutboxMessage m = message(1, seq, 40);
                readings += m.readings();
                outbox.append(List.of(m));
                largest = Math.max(largest, Files.size(dir.resolve(Outbox.DROPPED)));
            }
            pendingBefore = OutboxFixtures.ids(outbox.pending(null, Integer.MAX_VALUE));
            OutboxStats stats = outbox.stats();
            assertThat(stats.droppedMessages()).isEqualTo(messages - stats.depth());
            assertThat(stats.droppedRecordsDiscarded()).isPositive();
            List<Dropped> onDisk = outbox.droppedLog();
            assertThat(onDisk).hasSize((int) (stats.droppedMessages() - stats.droppedRecordsDiscarded()));
            long pendingReadings = outbox.pending(null, Integer.MAX_VALUE).stream().mapToLong(OutboxMessage::readings).sum();
            assertThat(stats.droppedReadings()).isEqualTo(readings - pendingReadings);
        }
        assertThat(largest).as("dropped.log never passed its bound by more than one batch of drops").isLessThanOrEqualTo(DROPPED_MAX + 1024);
        try (Outbox reopened = Outbox.open(dir, config)) {
            List<MessageId> pendingAfter = OutboxFixtures.ids(reopened.pending(null, Integer.MAX_VALUE));
            assertThat(pendingAfter).as("no dropped message comes back after a restart").isEqualTo(pendingBefore);
            assertThat(reopened.stats().droppedMessages()).isEqualTo(messages - pendingAfter.size());
            assertThat(reopened.stats().droppedReadings() + reopened.pending(null, Integer.MAX_VALUE).stream()
                    .mapToLong(OutboxMessage::readings).sum()).isEqualTo(readings);
        }
        List<String> names = new ArrayList<>(PowerCutFileIo.names(dir));
        assertThat(names).doesNotContain(Outbox.DROPPED + ".tmp", Outbox.KEPT_ASIDE + ".tmp");
    }
}
