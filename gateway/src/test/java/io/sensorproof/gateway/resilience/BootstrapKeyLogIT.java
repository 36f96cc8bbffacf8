package io.sensorproof.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 item 2: the bootstrap operator API key of a first start reaches the operator on the
 * console and in {@code <data-dir>/operator-api-key}, and nowhere else under the data directory:
 * not in the rotated JSON log that log shippers collect, nor in any other file there. And issue 16's
 * plain start: the console ends with where the dashboard is and how to sign in, and carries no
 * framework INFO line (Quarkus's banner and feature list, Flyway's migrations), which the JSON log keeps.
 */
class BootstrapKeyLogIT {
    @TempDir
    Path dir;

    @Test
    void bootstrapKeyIsOnTheConsoleButInNoFileOfTheDataDirectoryExceptItsOwn() throws Exception {
        Path dataDir = dir.resolve("data");
        Path console = dir.resolve("console.log");
        Map<String, String> env = Map.of("SENSORPROOF_EMBEDDED_BROKER_PORT", Integer.toString(GatewayProcess.freePort()));
        String key;
        int httpPort = GatewayProcess.freePort();
        try (GatewayProcess gateway = GatewayProcess.start("gateway", dataDir, httpPort, env, Map.of(), console)) {
            gateway.awaitReady(Duration.ofMinutes(3));
            key = gateway.operatorKey();
            gateway.stop();
        }
        assertThat(key).startsWith("spk_");
        assertThat(Files.readString(console)).as("console output").contains(key);
        Path jsonLog = dataDir.resolve("logs").resolve("gateway.log.json");
        assertThat(jsonLog).as("the persistent JSON log was written").isNotEmptyFile();
        assertThat(Files.readString(jsonLog)).contains("bootstrap operator API key created");

        String consoleText = Files.readString(console);
        assertThat(consoleText).as("the ready banner").contains("Dashboard   http://localhost:" + httpPort + "/dashboard/")
                .contains("Sign in     with the operator API key in " + dataDir.toAbsolutePath().normalize().resolve("operator-api-key"));
        assertThat(consoleText.lines().filter(l -> l.contains(" INFO ") && !l.contains("[io.sen")).toList())
                .as("framework INFO lines on the console").isEmpty();
        assertThat(consoleText).as("Quarkus's banner").doesNotContain("/ __ \\/ / / / _ | / _ \\/ //_/");
        assertThat(Files.readString(jsonLog)).as("the JSON log keeps the frameworks' lines").contains("org.flywaydb").contains("io.quarkus");

        byte[] secret = key.getBytes(StandardCharsets.US_ASCII);
        List<Path> containing = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dataDir)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                if (!f.equals(dataDir.resolve("operator-api-key")) && contains(Files.readAllBytes(f), secret)) {
                    containing.add(dataDir.relativize(f));
                }
            }
        }
        assertThat(containing).as("files under the data directory that contain the key").isEmpty();
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
