package io.sensorproof.gateway.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway killed with SIGKILL leaves its PostgreSQL server running; the next start in the same
 * data directory stops that orphan and comes up with the committed data.
 */
class OrphanedPostmasterIT {

    @TempDir
    Path dataDir;

    @Test
    void stopsOrphanLeftByKilledJvmAndKeepsCommittedData() throws Exception {
        String marker = "committed-" + System.nanoTime();
        Process child = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                OrphanMakerMain.class.getName(), dataDir.toString(), marker))
                .redirectErrorStream(true)
                .start();
        long orphanPid;
        try {
            String ready = awaitReadyLine(child, Duration.ofMinutes(2));
            orphanPid = Long.parseLong(ready.split(" ")[1]);

            child.destroyForcibly(); // SIGKILL: no shutdown hook runs in the child
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }

        ProcessHandle orphan = ProcessHandle.of(orphanPid).orElseThrow(
                () -> new AssertionError("the postmaster died with its JVM; nothing to test"));
        assertThat(orphan.isAlive()).as("postmaster survives kill -9 of its JVM").isTrue();
        assertThat(PostmasterPidFile.read(dataDir.resolve("postgres")))
                .hasValueSatisfying(pidFile -> assertThat(pidFile.pid()).isEqualTo(orphanPid));

        try (EmbeddedDatabase db = EmbeddedPostgresLauncher.withDefaults()
                .start(EmbeddedPostgresSettings.under(dataDir, 0))) {
            assertThat(db.orphanCheck().orphanStopped()).as(db.orphanCheck().detail()).isTrue();
            assertThat(db.orphanCheck().pid()).hasValue(orphanPid);
            assertThat(orphan.isAlive()).isFalse();
            assertThat(db.postmasterPid()).isNotEqualTo(orphanPid);
            try (Connection c = db.connect(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT v FROM committed_before_kill")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(marker);
                assertThat(EmbeddedPostgresLauncherIT.show(c, "fsync")).isEqualTo("on");
            }
        } finally {
            ProcessHandle.of(orphanPid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private static String awaitReadyLine(Process child, Duration timeout) throws Exception {
        StringBuilder output = new StringBuilder();
        CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (line.startsWith("READY ")) {
                        return line;
                    }
                    synchronized (output) {
                        output.append(line).append('\n');
                    }
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            throw new IllegalStateException("child exited before READY");
        });
        try {
            return ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            synchronized (output) {
                throw new AssertionError("child did not report READY; its output:\n" + output, e);
            }
        }
    }
}
