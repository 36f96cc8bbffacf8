package io.sensorproof.gateway;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.sensorproof.broker.BrokerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Starts the standalone broker process (the {@code embedded-broker} module's jar, built earlier in
 * the reactor) on a free port and points the gateway's MQTT ingestion at it.
 */
public class EmbeddedBrokerTestResource implements QuarkusTestResourceLifecycleManager {
    private static volatile String url;
    private BrokerProcess broker;

    /** The running broker's URL, for test clients. */
    public static String url() {
        return url;
    }

    @Override
    public Map<String, String> start() {
        try {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            Path root = Path.of(System.getProperty("repo.root", "..")).toAbsolutePath().normalize();
            broker = BrokerProcess.startAnonymous(root.resolve("embedded-broker/target/embedded-broker.jar"),
                    TestDataDirs.root().resolve("broker"), "127.0.0.1", port, Duration.ofSeconds(120));
            url = broker.url();
            return Map.of("sensorproof.mqtt.url", url, "sensorproof.data-dir", TestDataDirs.root().toString(),
                    "%test.quarkus.log.file.path", TestDataDirs.logFile().toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        if (broker != null) {
            broker.close();
        }
    }
}
