package io.sensorproof.agent.outbox;

import static io.sensorproof.agent.outbox.OutboxFixtures.config;
import static io.sensorproof.agent.outbox.OutboxFixtures.ids;
import static io.sensorproof.agent.outbox.OutboxFixtures.message;
import static io.sensorproof.agent.outbox.OutboxFixtures.range;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load-simulation outbox layer (ADR 043): the outbox behaves as always (its content survives a
 * restart of the process, the page cache being intact), but every force it asks for is skipped and
 * counted, so a run can show that durability was off.
 */
class NonDurableFileIoTest {
    private static final OutboxConfig CONFIG = config(64 << 10, 4 << 10);

    @Test
    void outboxWorksAndEveryForceItAsksForIsSkippedAndCounted(@TempDir Path dir) throws Exception {
        NonDurableFileIo io = new NonDurableFileIo();
        Path data = dir.resolve("outbox");
        long boot;
        try (Outbox outbox = Outbox.open(data, CONFIG, io)) {
            boot = BootCounter.next(dir, outbox.maxBootSeen(), io);
            long forcesAfterOpen = io.skippedFileForces();
            for (long seq = 0; seq < 10; seq++) {
                outbox.append(List.of(message(boot, seq)));
            }
            long forcesPerAppend = (io.skippedFileForces() - forcesAfterOpen) / 10;
            assertThat(forcesPerAppend).as("file forces the durable outbox asks for per append, all skipped").isGreaterThanOrEqualTo(1);
            long beforeAck = io.skippedFileForces();
            outbox.markStored(boot, range(0, 4));
            assertThat(io.skippedFileForces()).as("the acknowledgement log is forced too, and skipped").isGreaterThan(beforeAck);
            assertThat(outbox.stats().depth()).isEqualTo(5);
        }
        assertThat(io.skippedDirectoryForces()).as("segment and boot-counter creation force their directories, skipped").isPositive();
        assertThat(io.skippedForces()).isEqualTo(io.skippedFileForces() + io.skippedDirectoryForces());

        // the process "restarts": what was written is still there (page cache), read through the real file system
        try (Outbox reopened = Outbox.open(data, CONFIG)) {
            assertThat(ids(reopened.pending(null, 100))).containsExactlyElementsOf(ids(boot, 5, 6, 7, 8, 9));
            assertThat(BootCounter.next(dir, reopened.maxBootSeen())).isEqualTo(boot + 1);
        }
    }
}
