package io.sensorproof.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.agent.config.AgentConfig;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After {@link EdgeAgent#close()} returns, nothing writes in the data directory any more. The status file was written
 * by the agent's timer (first at once, on start) and by {@code close}; a timer write still running when {@code close}
 * returned created {@code agent-status.properties.tmp} after it, which made a test's temporary directory undeletable
 * in CI ({@code EmissionsInputTest}, "Failed to delete temp directory").
 */
class EdgeAgentCloseTest {
    private static final SigningKey DEVICE = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
    private static final SigningKey GATEWAY = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());

    @TempDir
    Path dir;

    @Test
    void nothingIsWrittenInTheDataDirectoryAfterClose() throws Exception {
        for (int i = 0; i < 200; i++) {
            Path data = dir.resolve("run-" + i);
            Properties p = new Properties();
            p.setProperty("tenant", "acme");
            p.setProperty("device", "close-1");
            p.setProperty("data.dir", data.toString());
            p.setProperty("gateway.ack-key", java.util.Base64.getEncoder().encodeToString(GATEWAY.verificationKey().spki()));
            p.setProperty("status.interval-seconds", "1");
            EdgeAgent agent = EdgeAgent.start(AgentConfig.resolve(p, Map.of()), DEVICE, GATEWAY.verificationKey(),
                    metrics -> new OfflineTransport(), Clock.systemUTC());
            agent.close();
            Map<String, Long> afterClose = files(data);
            Thread.sleep(5);
            assertThat(files(data)).as("run %d: the data directory 5 ms after close", i).isEqualTo(afterClose);
            assertThat(afterClose.keySet()).as("run %d", i).noneMatch(name -> name.endsWith(".tmp"));
        }
    }

    /** Every file under {@code root} with its size and modification time. */
    private static Map<String, Long> files(Path root) throws IOException {
        Map<String, Long> out = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path f : (Iterable<Path>) all.filter(Files::isRegularFile)::iterator) {
                try {
                    out.put(root.relativize(f).toString(), Files.size(f) * 31 + Files.getLastModifiedTime(f).toMillis());
                } catch (java.nio.file.NoSuchFileException gone) {
                    out.put(root.relativize(f) + " (vanished)", -1L);
                }
            }
        }
        return out;
    }
}
