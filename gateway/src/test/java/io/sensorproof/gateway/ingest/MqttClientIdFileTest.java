package io.sensorproof.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ADR 028: a replica's MQTT client id is the same on every start and differs between data directories. */
class MqttClientIdFileTest {
    @TempDir
    Path dir;

    @Test
    void keepsTheIdGeneratedAtTheFirstStart() throws Exception {
        Path file = dir.resolve("data").resolve(MqttClientIdFile.FILE_NAME);
        String first = MqttClientIdFile.loadOrCreate(file);
        assertThat(first).matches("gateway-[0-9a-f]{16}");
        assertThat(Files.readString(file).trim()).isEqualTo(first);
        assertThat(MqttClientIdFile.loadOrCreate(file)).as("the restart's id").isEqualTo(first);
        assertThat(dir.resolve("data").toFile().list()).as("no temporary file left").containsExactly(MqttClientIdFile.FILE_NAME);
    }

    @Test
    void givesEachDataDirectoryItsOwnId() throws Exception {
        String a = MqttClientIdFile.loadOrCreate(dir.resolve("replica-a").resolve(MqttClientIdFile.FILE_NAME));
        String b = MqttClientIdFile.loadOrCreate(dir.resolve("replica-b").resolve(MqttClientIdFile.FILE_NAME));
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void refusesAFileThatHoldsNoClientId() throws Exception {
        Path file = dir.resolve(MqttClientIdFile.FILE_NAME);
        Files.writeString(file, "two words\n");
        assertThatThrownBy(() -> MqttClientIdFile.loadOrCreate(file)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("does not hold a client id");
        assertThat(Files.readString(file)).as("left for the operator, not replaced").isEqualTo("two words\n");
    }
}
