package io.sensorproof.gateway.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostmasterPidFileTest {

    @TempDir
    Path dir;

    @Test
    void readsPidDataDirectoryAndPort() throws Exception {
        Files.writeString(dir.resolve("postmaster.pid"),
                "4242\n/srv/data/postgres\n1764201600\n55432\n/tmp\nlocalhost\n  5432001     12\nready   \n");
        assertThat(PostmasterPidFile.read(dir)).contains(
                new PostmasterPidFile(4242, Path.of("/srv/data/postgres"), 55432));
    }

    @Test
    void noFileMeansNoServer() {
        assertThat(PostmasterPidFile.read(dir)).isEmpty();
    }

    @Test
    void partialOrGarbledFileNamesNoProcess() throws Exception {
        Files.writeString(dir.resolve("postmaster.pid"), "4242\n");
        assertThat(PostmasterPidFile.read(dir)).isEmpty();
        Files.writeString(dir.resolve("postmaster.pid"), "not-a-pid\n/srv/data\n");
        assertThat(PostmasterPidFile.read(dir)).isEmpty();
        Files.writeString(dir.resolve("postmaster.pid"), "-1\n/srv/data\n");
        assertThat(PostmasterPidFile.read(dir)).isEmpty();
    }

    @Test
    void missingPortLineIsReportedAsMinusOne() throws Exception {
        Files.writeString(dir.resolve("postmaster.pid"), "4242\n/srv/data\n");
        assertThat(PostmasterPidFile.read(dir)).hasValueSatisfying(f -> assertThat(f.port()).isEqualTo(-1));
    }
}
