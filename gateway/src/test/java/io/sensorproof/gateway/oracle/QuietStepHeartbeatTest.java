package io.sensorproof.gateway.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class QuietStepHeartbeatTest {
    private final AtomicLong now = new AtomicLong();
    private final List<String> reported = new CopyOnWriteArrayList<>();

    private QuietStepHeartbeat heartbeat() {
        // a long real interval for the thread, so that only the test's calls beat
        return new QuietStepHeartbeat("test-heartbeat", "circuits: building", Duration.ofSeconds(10), reported::add, now::get);
    }

    @Test
    void aQuietStepReportsThatItIsStillRunningWithTheElapsedTime() {
        try (QuietStepHeartbeat h = heartbeat()) {
            now.set(Duration.ofSeconds(9).toNanos());
            assertThat(h.beatIfQuiet()).isFalse();
            now.set(Duration.ofSeconds(10).toNanos());
            assertThat(h.beatIfQuiet()).isTrue();
            now.set(Duration.ofSeconds(15).toNanos());
            assertThat(h.beatIfQuiet()).as("quiet for 5 s since the last beat").isFalse();
            now.set(Duration.ofSeconds(21).toNanos());
            assertThat(h.beatIfQuiet()).isTrue();
        }
        assertThat(reported).containsExactly("still circuits: building (10 s)", "still circuits: building (21 s)");
    }

    @Test
    void aLineRestartsTheQuietPeriodAndNamesWhatIsStillRunning() {
        try (QuietStepHeartbeat h = heartbeat()) {
            now.set(Duration.ofSeconds(8).toNanos());
            h.line("circuits: emissions: setup");
            now.set(Duration.ofSeconds(12).toNanos());
            assertThat(h.beatIfQuiet()).as("4 s after a line").isFalse();
            now.set(Duration.ofSeconds(18).toNanos());
            assertThat(h.beatIfQuiet()).isTrue();
        }
        assertThat(reported).containsExactly("circuits: emissions: setup", "still circuits: emissions: setup (18 s)");
    }
}
