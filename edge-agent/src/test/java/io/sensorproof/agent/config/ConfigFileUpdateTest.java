package io.sensorproof.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileUpdateTest {
    @TempDir
    Path dir;

    @Test
    void replacesGivenKeysKeepsEverythingElseAndAppendsMissingOnes() throws IOException {
        Path file = dir.resolve("agent.properties");
        Files.write(file, List.of("# site 4", "mqtt.url=tcp://broker:1883", "tenant = old", "pack.max-records=5"));
        Map<String, String> values = new LinkedHashMap<>();
        values.put("tenant", "acme");
        values.put("device", "cold-room-7");
        values.put("gateway.ack-key", "MFkw+/=");
        ConfigFileUpdate.apply(file, values);

        assertThat(Files.readAllLines(file)).containsExactly("# site 4", "mqtt.url=tcp://broker:1883", "tenant=acme",
                "pack.max-records=5", "device=cold-room-7", "gateway.ack-key=MFkw+/\\=");
        AgentConfig config = AgentConfig.load(file, Map.of());
        assertThat(config.tenant()).isEqualTo("acme");
        assertThat(config.gatewayAckKey()).isEqualTo("MFkw+/=");
        assertThat(config.packMaxRecords()).isEqualTo(5);
    }

    @Test
    void createsAMissingFile() throws IOException {
        Path file = dir.resolve("new/agent.properties");
        ConfigFileUpdate.apply(file, Map.of("tenant", "acme"));
        assertThat(Files.readAllLines(file)).containsExactly("tenant=acme");
    }
}
