package io.sensorproof.agent.outbox;

import static io.sensorproof.agent.outbox.OutboxFixtures.config;
import static io.sensorproof.agent.outbox.OutboxFixtures.message;
import static io.sensorproof.agent.outbox.OutboxFixtures.segmentFiles;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxConcurrencyTest {
    private static final int MESSAGES = 2_000;
    private static final int BATCH = 10;

    @TempDir
    Path dir;

    @Test
    void messagesAppendedOnOneThreadAndAcknowledgedOnAnotherDrainCompletely() throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try (Outbox outbox = Outbox.open(dir, config(256 << 10, 4 << 10))) {
            Future<?> appender = executor.submit(() -> {
                for (int seq = 0; seq < MESSAGES; seq += BATCH) {
                    List<OutboxMessage> batch = new ArrayList<>();
                    for (int i = seq; i < seq + BATCH; i++) {
                        batch.add(message(1, i));
                    }
                    outbox.append(batch);
                }
                return null;
            });
            Future<Integer> acknowledger = executor.submit(() -> {
                int stored = 0;
                long expectedNext = 0;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (stored < MESSAGES && System.nanoTime() < deadline) {
                    List<OutboxMessage> pending = outbox.pending(null, 64);
                    if (pending.isEmpty()) {
                        // the consumer's own pacing while it outruns the appender (as the agent's sender polls), not a wait before an assertion
                        Thread.sleep(1);
                        continue;
                    }
                    for (OutboxMessage m : pending) {
                        assertThat(m).isEqualTo(message(1, expectedNext++));
                    }
                    long first = pending.get(0).id().seq();
                    long last = pending.get(pending.size() - 1).id().seq();
                    stored += outbox.markStored(1, List.of(new long[] {first, last}));
                }
                return stored;
            });
            appender.get(60, TimeUnit.SECONDS);
            assertThat(acknowledger.get(60, TimeUnit.SECONDS)).isEqualTo(MESSAGES);

            OutboxStats stats = outbox.stats();
            assertThat(stats.depth()).isZero();
            assertThat(stats.oldestPending()).isEmpty();
            assertThat(stats.lastStored()).contains(new MessageId(1, MESSAGES - 1));
            List<Path> remaining = segmentFiles(dir);
            assertThat(remaining).as("only the active segment is left").hasSize(1);
            assertThat(stats.bytes()).isEqualTo(Files.size(remaining.get(0)));
        } finally {
            executor.shutdownNow();
        }
    }
}
