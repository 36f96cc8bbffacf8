package io.sensorproof.agent.outbox;

import static io.sensorproof.agent.outbox.OutboxFixtures.fixed;
import static io.sensorproof.agent.outbox.OutboxFixtures.ids;
import static io.sensorproof.agent.outbox.OutboxFixtures.range;
import static io.sensorproof.agent.outbox.OutboxFixtures.segmentFiles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.sensorproof.agent.outbox.RecordCodec.Dropped;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Capacity: blocking, dropping the oldest segments, and what never fits. Four 100-byte records fill each outbox. */
class OutboxCapacityTest {
    private static final int FRAME = OutboxFixtures.FIXED_FRAME;

    @TempDir
    Path dir;

    private final ExecutorService executor = Executors.newSingleThreadExecutor();

    @AfterEach
    void stopExecutor() {
        executor.shutdownNow();
    }

    @Test
    void blockingAppendTimesOutWithOutboxFullExceptionAndWritesNothing() throws IOException {
        try (Outbox outbox = Outbox.open(dir, blocking(Duration.ofMillis(50)))) {
            fill(outbox);
            assertThatThrownBy(() -> outbox.append(List.of(fixed(1, 5)))).isInstanceOf(OutboxFullException.class)
                    .hasMessageContaining("capacity " + 4 * FRAME).hasMessageContaining("depth 4")
                    .satisfies(e -> assertThat(((OutboxFullException) e).depth()).isEqualTo(4));
            assertThat(outbox.stats().overflowWaits()).isEqualTo(1);
            assertThat(ids(outbox.pending(null, 10))).isEqualTo(ids(1, 1, 2, 3, 4));

            outbox.markStored(1, range(1, 2));
            outbox.append(List.of(fixed(1, 5)));
            assertThat(ids(outbox.pending(null, 10))).isEqualTo(ids(1, 3, 4, 5));
            assertThat(outbox.stats().overflowWaits()).isEqualTo(1);
        }
    }

    @Test
    void blockingAppendProceedsOnceAnotherThreadFreesSpace() throws Exception {
        try (Outbox outbox = Outbox.open(dir, blocking(Duration.ofSeconds(30)))) {
            fill(outbox);
            Future<?> append = appendWaitingForSpace(executor, outbox);
            assertThat(outbox.stats().overflowWaits()).isEqualTo(1);
            assertThat(append).isNotDone();

            outbox.markStored(1, range(1, 1));
            assertThat(append).as("half a segment freed is not space yet").isNotDone();
            outbox.markStored(1, range(2, 2));
            append.get(10, TimeUnit.SECONDS);
            assertThat(ids(outbox.pending(null, 10))).isEqualTo(ids(1, 3, 4, 5));
            assertThat(segmentFiles(dir)).hasSize(2);
            assertThat(outbox.stats().bytes()).isEqualTo(3L * FRAME);
        }
    }

    /**
     * On a simulator's shared worker pool, which runs a fixed number of tasks at once (ADR 061), an append waiting for
     * space must not hold the only worker: the acknowledgement that frees the space is a task on the same pool.
     */
    @Test
    void aBlockedAppendOnAOneThreadForkJoinPoolLetsTheAcknowledgementRun() throws Exception {
        ForkJoinPool pool = new ForkJoinPool(1, ForkJoinPool.defaultForkJoinWorkerThreadFactory, null, true);
        try (Outbox outbox = Outbox.open(dir, blocking(Duration.ofSeconds(30)))) {
            fill(outbox);
            Future<?> append = appendWaitingForSpace(pool, outbox);
            Future<?> acknowledgement = pool.submit(() -> {
                outbox.markStored(1, range(1, 2));
                return null;
            });
            acknowledgement.get(10, TimeUnit.SECONDS);
            append.get(10, TimeUnit.SECONDS);
            assertThat(ids(outbox.pending(null, 10))).isEqualTo(ids(1, 3, 4, 5));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void closeWakesABlockedAppend() throws Exception {
        Outbox outbox = Outbox.open(dir, blocking(Duration.ofSeconds(30)));
        fill(outbox);
        Future<?> append = executor.submit(() -> {
            outbox.append(List.of(fixed(1, 5)));
            return null;
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> outbox.stats().overflowWaits() > 0);
        outbox.close();
        assertThatThrownBy(() -> append.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void dropOldestDeletesWholeOldestSegmentsAndRecordsEveryDroppedMessage() throws IOException {
        OutboxConfig config = new OutboxConfig(4L * FRAME, 2L * FRAME, OverflowPolicy.DROP_OLDEST, Duration.ZERO);
        try (Outbox outbox = Outbox.open(dir, config)) {
            fill(outbox);
            List<Path> before = segmentFiles(dir);
            outbox.markStored(1, range(1, 1));

            outbox.append(List.of(fixed(1, 5), fixed(1, 6)));
            assertThat(segmentFiles(dir)).doesNotContain(before.get(0)).contains(before.get(1)).hasSize(2);
            assertThat(ids(outbox.pending(null, 10))).isEqualTo(ids(1, 3, 4, 5, 6));
            assertThat(outbox.droppedLog()).extracting(Dropped::id).containsExactly(new MessageId(1, 2));
            assertThat(outbox.stats().droppedMessages()).isEqualTo(1);
            assertThat(outbox.stats().droppedReadings()).isEqualTo(fixed(1, 2).readings());

            outbox.append(List.of(fixed(1, 7)));
            assertThat(ids(outbox.pending(null, 10))).isEqualTo(ids(1, 5, 6, 7));
            assertThat(outbox.droppedLog()).extracting(Dropped::id).isEqualTo(ids(1, 2, 3, 4));
            assertThat(outbox.droppedLog()).extracting(Dropped::readings)
                    .containsExactly(fixed(1, 2).readings(), fixed(1, 3).readings(), fixed(1, 4).readings());
            OutboxStats stats = outbox.stats();
            assertThat(stats.droppedMessages()).isEqualTo(3);
            assertThat(stats.droppedReadings()).isEqualTo(fixed(1, 2).readings() + fixed(1, 3).readings() + fixed(1, 4).readings());
            assertThat(stats.depth()).isEqualTo(3);
            assertThat(stats.bytes()).isEqualTo(3L * FRAME);
            assertThat(stats.oldestPending()).contains(new MessageId(1, 5));
            assertThat(stats.overflowWaits()).isZero();
        }
        try (Outbox outbox = Outbox.open(dir, config)) {
            assertThat(ids(outbox.pending(null, 10))).isEqualTo(ids(1, 5, 6, 7));
            assertThat(outbox.stats().droppedMessages()).as("counted from dropped.log").isEqualTo(3);
            assertThat(outbox.stats().droppedReadings())
                    .isEqualTo(fixed(1, 2).readings() + fixed(1, 3).readings() + fixed(1, 4).readings());
            assertThatThrownBy(() -> outbox.append(List.of(fixed(1, 4)))).as("a dropped id is not new")
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void dropOldestCanDropTheActiveSegmentWhenItIsTheOnlyOne() throws IOException {
        OutboxConfig config = new OutboxConfig(4L * FRAME, 1 << 20, OverflowPolicy.DROP_OLDEST, Duration.ZERO);
        try (Outbox outbox = Outbox.open(dir, config)) {
            fill(outbox);
            outbox.append(List.of(fixed(1, 5)));
            assertThat(ids(outbox.pending(null, 10))).isEqualTo(ids(1, 5));
            assertThat(outbox.stats().droppedMessages()).isEqualTo(4);
            assertThat(segmentFiles(dir)).hasSize(1);
        }
    }

    @Test
    void batchLargerThanTheCapacityIsRefused() throws IOException {
        try (Outbox outbox = Outbox.open(dir, blocking(Duration.ofSeconds(30)))) {
            assertThatThrownBy(() -> outbox.append(List.of(fixed(1, 1), fixed(1, 2), fixed(1, 3), fixed(1, 4), fixed(1, 5))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("can never fit");
            assertThat(outbox.stats().depth()).isZero();
        }
    }

    @Test
    void fullyAcknowledgedActiveSegmentIsRetiredWhenSpaceIsNeeded() throws IOException {
        OutboxConfig config = new OutboxConfig(4L * FRAME, 1 << 20, OverflowPolicy.BLOCK, Duration.ZERO);
        try (Outbox outbox = Outbox.open(dir, config)) {
            fill(outbox);
            outbox.markStored(1, range(1, 4));
            List<Path> before = segmentFiles(dir);
            outbox.append(List.of(fixed(1, 5)));
            assertThat(segmentFiles(dir)).hasSize(1).doesNotContainAnyElementsOf(before);
            assertThat(outbox.stats().overflowWaits()).isZero();
            assertThat(outbox.stats().bytes()).isEqualTo(FRAME);
        }
    }

    /** Appends ids 1:1 to 1:4 one by one: two segments of two records when segments hold two. */
    /** Appends one more message on {@code on} and returns once that append waits for space in the full outbox. */
    private static Future<?> appendWaitingForSpace(ExecutorService on, Outbox outbox) {
        Future<?> append = on.submit(() -> {
            outbox.append(List.of(fixed(1, 5)));
            return null;
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> outbox.stats().overflowWaits() > 0);
        return append;
    }

    private static void fill(Outbox outbox) throws IOException {
        for (long seq = 1; seq <= 4; seq++) {
            outbox.append(List.of(fixed(1, seq)));
        }
        assertThat(outbox.stats().bytes()).isEqualTo(4L * FRAME);
    }

    private static OutboxConfig blocking(Duration timeout) {
        return new OutboxConfig(4L * FRAME, 2L * FRAME, OverflowPolicy.BLOCK, timeout);
    }
}
