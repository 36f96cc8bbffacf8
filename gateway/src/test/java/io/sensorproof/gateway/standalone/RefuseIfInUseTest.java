package io.sensorproof.gateway.standalone;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ADR 028: the launcher starts broker and chain beside the database, so it first refuses a data
 * directory whose PostgreSQL lock a live gateway holds (otherwise their orphan handling would stop
 * that gateway's broker and anvil).
 */
class RefuseIfInUseTest {
    @TempDir
    Path dir;

    @Test
    void refusesADirectoryWhoseLockIsHeld() throws Exception {
        Files.writeString(dir.resolve("postgresql.conf"), "");
        try (FileChannel channel = FileChannel.open(dir.resolve(OrphanedPostmaster.LOCK_FILE_NAME), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock held = channel.lock()) {
            assertThatThrownBy(() -> OrphanedPostmaster.refuseIfInUse(dir)).isInstanceOf(DataDirectoryInUseException.class);
        }
        assertThatCode(() -> OrphanedPostmaster.refuseIfInUse(dir)).as("free once released").doesNotThrowAnyException();
    }

    @Test
    void acceptsADirectoryWithoutCluster() {
        assertThatCode(() -> OrphanedPostmaster.refuseIfInUse(dir.resolve("postgres"))).doesNotThrowAnyException();
    }
}
