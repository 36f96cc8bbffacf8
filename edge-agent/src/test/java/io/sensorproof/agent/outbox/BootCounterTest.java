package io.sensorproof.agent.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootCounterTest {
    @TempDir
    Path dir;

    @Test
    void firstBootIsOneAndIsPersistedBeforeItIsReturned() throws IOException {
        assertThat(BootCounter.next(dir, 0)).isEqualTo(1);
        assertThat(Files.readString(dir.resolve("boot"))).startsWith("boot=1 crc32c=");
    }

    @Test
    void strictlyIncreasesAcrossCalls() throws IOException {
        long previous = 0;
        for (int i = 0; i < 20; i++) {
            long next = BootCounter.next(dir, 0);
            assertThat(next).isGreaterThan(previous);
            previous = next;
        }
        assertThat(previous).isEqualTo(20);
    }

    @Test
    void respectsTheFloorAndNeverGoesBackBelowTheStoredValue() throws IOException {
        assertThat(BootCounter.next(dir, 41)).isEqualTo(42);
        assertThat(BootCounter.next(dir, 10)).isEqualTo(43);
        assertThat(BootCounter.next(dir, 43)).isEqualTo(44);
    }

    @Test
    void leftoverTemporaryFileFromACrashIsOverwritten() throws IOException {
        BootCounter.next(dir, 0);
        Files.writeString(dir.resolve("boot.tmp"), "garbage from a crash mid-write");
        assertThat(BootCounter.next(dir, 0)).isEqualTo(2);
        assertThat(dir.resolve("boot.tmp")).doesNotExist();
        assertThat(BootCounter.next(dir, 0)).isEqualTo(3);
    }

    @Test
    void refusesACorruptFileInsteadOfResetting() throws IOException {
        Files.writeString(dir.resolve("boot"), "not a counter\n");
        assertThatThrownBy(() -> BootCounter.next(dir, 0)).isInstanceOf(IOException.class).hasMessageContaining("corrupt");
        assertThat(Files.readString(dir.resolve("boot"))).isEqualTo("not a counter\n");
    }

    @Test
    void refusesAFlippedDigitThatStillParses() throws IOException {
        BootCounter.next(dir, 56);
        String content = Files.readString(dir.resolve("boot"));
        Files.writeString(dir.resolve("boot"), content.replace("boot=57", "boot=17"));
        assertThatThrownBy(() -> BootCounter.next(dir, 0)).isInstanceOf(IOException.class);
    }

    @Test
    void refusesAnEmptyFile() throws IOException {
        Files.write(dir.resolve("boot"), new byte[0]);
        assertThatThrownBy(() -> BootCounter.next(dir, 0)).isInstanceOf(IOException.class);
    }

    @Test
    void refusesToPassTwoToThe32() throws IOException {
        assertThat(BootCounter.next(dir, 0xffff_fffeL)).isEqualTo(0xffff_ffffL);
        assertThatThrownBy(() -> BootCounter.next(dir, 0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> BootCounter.next(dir, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BootCounter.next(dir, 1L << 32)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new String(Files.readAllBytes(dir.resolve("boot")), StandardCharsets.US_ASCII)).startsWith("boot=4294967295 ");
    }

    @Test
    void usesTheOutboxAsFloorAfterTheCounterFileIsLost() throws IOException {
        Path outboxDir = dir.resolve("outbox");
        try (Outbox outbox = Outbox.open(outboxDir, OutboxFixtures.roomy())) {
            outbox.append(List.of(OutboxFixtures.message(BootCounter.next(dir, outbox.maxBootSeen()), 0)));
        }
        assertThat(Files.readString(dir.resolve("boot"))).startsWith("boot=1 ");
        Files.delete(dir.resolve("boot"));
        try (Outbox outbox = Outbox.open(outboxDir, OutboxFixtures.roomy())) {
            assertThat(BootCounter.next(dir, outbox.maxBootSeen())).isEqualTo(2);
        }
    }
}
