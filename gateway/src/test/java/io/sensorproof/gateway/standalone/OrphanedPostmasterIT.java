package io.sensorproof.gateway.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway killed with SIGKILL leaves its PostgreSQL server running. The next start in the same
 * data directory adopts that orphan as it runs when it answers with the expected settings (ADR 040),
 * replaces it (stop, fresh start, crash recovery) when it does not, and, with adoption off, stops it
 * as before; every way comes up with the committed data.
 */
class OrphanedPostmasterIT {

    @TempDir
    Path dataDir;

    @Test
    void adoptsHealthyOrphanLeftByKilledJvmAndKeepsCommittedData() throws Exception {
        String marker = "committed-" + System.nanoTime();
        long orphanPid = orphanFromKilledJvm(marker);
        ProcessHandle orphan = ProcessHandle.of(orphanPid).orElseThrow();
        try (EmbeddedDatabase db = EmbeddedPostgresLauncher.withDefaults()
                .start(EmbeddedPostgresSettings.under(dataDir, 0))) {
            assertThat(db.orphanCheck().outcome()).as(db.orphanCheck().detail()).isEqualTo(OrphanCheck.Outcome.ADOPTED);
            assertThat(db.adopted()).isTrue();
            assertThat(db.postmasterPid()).as("the same server keeps running").isEqualTo(orphanPid);
            assertThat(orphan.isAlive()).isTrue();
            assertCommitted(db, marker);
            // the adopting JVM now owns the directory: another gateway on it is refused, nothing is stopped
            assertThatThrownBy(() -> EmbeddedPostgresLauncher.withDefaults().start(EmbeddedPostgresSettings.under(dataDir, 0)))
                    .isInstanceOf(DataDirectoryInUseException.class);
            assertThat(orphan.isAlive()).isTrue();
        } finally {
            killWithChildren(orphanPid);
        }
        assertThat(orphan.isAlive()).as("closing the adopted server stops it").isFalse();
        assertThat(PostmasterPidFile.read(dataDir.resolve("postgres"))).as("stopped cleanly: no pid file").isEmpty();
    }

    @Test
    void replacesOrphanThatDoesNotAnswer() throws Exception {
        String marker = "committed-" + System.nanoTime();
        long orphanPid = orphanFromKilledJvm(marker);
        ProcessHandle orphan = ProcessHandle.of(orphanPid).orElseThrow();
        // a hung server: the kernel still accepts connections, the postmaster never answers
        signal("STOP", orphanPid);
        OrphanedPostmaster quick = new OrphanedPostmaster(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(10));
        try (EmbeddedDatabase db = new EmbeddedPostgresLauncher(quick).start(EmbeddedPostgresSettings.under(dataDir, 0))) {
            assertThat(db.adopted()).isFalse();
            assertThat(db.orphanCheck().outcome()).as(db.orphanCheck().detail()).isEqualTo(OrphanCheck.Outcome.ORPHAN_KILLED);
            assertThat(orphan.isAlive()).isFalse();
            assertThat(db.postmasterPid()).isNotEqualTo(orphanPid);
            assertCommitted(db, marker);
        } finally {
            killWithChildren(orphanPid);
        }
    }

    @Test
    void refusesToAdoptAnOrphanOnAnotherPortThanConfigured() throws Exception {
        long orphanPid = orphanFromKilledJvm("port-" + System.nanoTime());
        try {
            PostmasterPidFile pidFile = PostmasterPidFile.read(dataDir.resolve("postgres")).orElseThrow();
            Path cluster = dataDir.resolve("postgres").toRealPath();
            assertThat(PostmasterProbe.jdbc(0, Duration.ofSeconds(3)).problems(pidFile, cluster)).isEmpty();
            int other = pidFile.port() == 65000 ? 65001 : 65000;
            assertThat(PostmasterProbe.jdbc(other, Duration.ofSeconds(3)).problems(pidFile, cluster))
                    .singleElement().asString().contains("configured port is " + other);
            assertThat(PostmasterProbe.jdbc(0, Duration.ofSeconds(3)).problems(pidFile, dataDir.resolve("elsewhere")))
                    .singleElement().asString().contains("it serves");
        } finally {
            killWithChildren(orphanPid);
        }
    }

    @Test
    void stopsOrphanLeftByKilledJvmWhenAdoptionIsOff() throws Exception {
        String marker = "committed-" + System.nanoTime();
        long orphanPid = orphanFromKilledJvm(marker);
        ProcessHandle orphan = ProcessHandle.of(orphanPid).orElseThrow();
        try (EmbeddedDatabase db = new EmbeddedPostgresLauncher(OrphanedPostmaster.withDefaultWaits(), false)
                .start(EmbeddedPostgresSettings.under(dataDir, 0))) {
            assertThat(db.orphanCheck().orphanStopped()).as(db.orphanCheck().detail()).isTrue();
            assertThat(db.orphanCheck().pid()).hasValue(orphanPid);
            assertThat(orphan.isAlive()).isFalse();
            assertThat(db.postmasterPid()).isNotEqualTo(orphanPid);
            assertCommitted(db, marker);
        } finally {
            killWithChildren(orphanPid);
        }
    }

    /** Starts the server in a child JVM that commits {@code marker}, kills that JVM with SIGKILL; the postmaster's pid. */
    private long orphanFromKilledJvm(String marker) throws Exception {
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
        return orphanPid;
    }

    /**
     * SIGKILL to a postmaster and its server processes, then waits until all have exited: killing the
     * postmaster alone leaves its children running for a moment, and one of them can still write into
     * the data directory (pg_stat) while the temporary directory is being deleted (seen in CI).
     */
    private static void killWithChildren(long postmasterPid) throws Exception {
        Optional<ProcessHandle> postmaster = ProcessHandle.of(postmasterPid);
        if (postmaster.isEmpty()) {
            return;
        }
        List<ProcessHandle> all = new ArrayList<>(postmaster.get().descendants().toList());
        all.add(0, postmaster.get());
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle h : all) {
            h.onExit().get(30, TimeUnit.SECONDS);
        }
    }

    private static void assertCommitted(EmbeddedDatabase db, String marker) throws Exception {
        try (Connection c = db.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT v FROM committed_before_kill")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo(marker);
            assertThat(EmbeddedPostgresLauncherIT.show(c, "fsync")).isEqualTo("on");
        }
    }

    private static void signal(String signal, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -" + signal + " " + pid).isTrue();
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
