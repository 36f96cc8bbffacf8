package io.sensorproof.gateway.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded server as standalone mode starts it: durable, persistent, exclusive. */
class EmbeddedPostgresLauncherIT {

    @TempDir
    Path dataDir;

    private final EmbeddedPostgresLauncher launcher = EmbeddedPostgresLauncher.withDefaults();

    @Test
    void startsWithFsyncSynchronousCommitAndFullPageWritesOn() throws Exception {
        try (EmbeddedDatabase db = launcher.start(EmbeddedPostgresSettings.under(dataDir, 0))) {
            assertThat(db.orphanCheck().outcome()).isEqualTo(OrphanCheck.Outcome.NEW_CLUSTER);
            try (Connection c = db.connect()) {
                assertThat(show(c, "fsync")).isEqualTo("on");
                assertThat(show(c, "synchronous_commit")).isEqualTo("on");
                assertThat(show(c, "full_page_writes")).isEqualTo("on");
                assertThat(show(c, "data_directory")).isEqualTo(dataDir.resolve("postgres").toRealPath().toString());
            }
        }
    }

    @Test
    void keepsDataAcrossCleanRestarts() throws Exception {
        EmbeddedPostgresSettings settings = EmbeddedPostgresSettings.under(dataDir, 0);
        try (EmbeddedDatabase db = launcher.start(settings); Connection c = db.connect();
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE kept (v text)");
            s.execute("INSERT INTO kept VALUES ('survives a restart')");
        }
        assertThat(dataDir.resolve("postgres").resolve(PostmasterPidFile.FILE_NAME)).doesNotExist();
        try (EmbeddedDatabase db = launcher.start(settings); Connection c = db.connect();
                Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT v FROM kept")) {
            assertThat(db.orphanCheck().outcome()).isEqualTo(OrphanCheck.Outcome.CLEAN);
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("survives a restart");
        }
    }

    @Test
    void refusesDataDirectoryOfARunningServer() {
        EmbeddedPostgresSettings settings = EmbeddedPostgresSettings.under(dataDir, 0);
        try (EmbeddedDatabase running = launcher.start(settings)) {
            assertThatThrownBy(() -> launcher.start(settings))
                    .isInstanceOf(DataDirectoryInUseException.class)
                    .hasMessageContaining("in use by another running gateway");
            assertThat(ProcessHandle.of(running.postmasterPid())).hasValueSatisfying(
                    p -> assertThat(p.isAlive()).isTrue());
        }
    }

    @Test
    void removesPidFileThatNamesAnUnrelatedLiveProcess() throws Exception {
        EmbeddedPostgresSettings settings = EmbeddedPostgresSettings.under(dataDir, 0);
        launcher.start(settings).close();
        // A pid file left by a crash whose pid now belongs to another process (here: this JVM).
        long unrelated = ProcessHandle.current().pid();
        Files.writeString(settings.clusterDirectory().resolve(PostmasterPidFile.FILE_NAME),
                unrelated + "\n" + settings.clusterDirectory() + "\n1700000000\n5432\n/tmp\nlocalhost\n0 0\nready\n",
                StandardCharsets.UTF_8);
        try (EmbeddedDatabase db = launcher.start(settings)) {
            assertThat(db.orphanCheck().outcome()).isEqualTo(OrphanCheck.Outcome.STALE_PID_FILE_REMOVED);
            assertThat(db.orphanCheck().pid()).hasValue(unrelated);
            assertThat(ProcessHandle.current().isAlive()).isTrue();
            try (Connection c = db.connect()) {
                assertThat(show(c, "fsync")).isEqualTo("on");
            }
        }
    }

    static String show(Connection c, String setting) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
