package io.sensorproof.gateway.standalone;

import io.sensorproof.broker.BrokerProcess;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Finds the standalone broker jar and starts it ({@link BrokerProcess}) when no MQTT URL is
 * configured: the gateway's client on the plain listener of 127.0.0.1 by password, devices on the
 * TLS listener by device certificate (ADR 019). The jar sits next to the packaged application ({@code quarkus-app/broker/}); when
 * running from the build tree, the one built by the {@code embedded-broker} module is used.
 */
final class StandaloneBroker {
    private StandaloneBroker() {
    }

    static BrokerProcess start(StandaloneConfig config) throws IOException {
        Path jar = config.brokerJar().map(Path::of).or(StandaloneBroker::locateJar).orElseThrow(() ->
                new IOException("embedded-broker.jar not found; build it (mvn -pl embedded-broker package) or set "
                        + StandaloneConfig.BROKER_JAR + ", or point " + StandaloneConfig.MQTT_URL + " at a broker"));
        return BrokerProcess.start(jar, brokerDirectory(config.dataDirectory()), "127.0.0.1", config.brokerPort(),
                new BrokerProcess.DeviceListener(config.brokerTlsBind(), config.brokerTlsPort()), Duration.ofSeconds(120));
    }

    /** Where the embedded broker keeps its state; its credential files are in {@code auth/} (ADR 019). */
    static Path brokerDirectory(Path dataDirectory) {
        return dataDirectory.resolve("broker");
    }

    static Optional<Path> locateJar() {
        List<Path> candidates = new java.util.ArrayList<>();
        try {
            Path codeSource = Path.of(StandaloneBroker.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // quarkus-app/app/gateway-*.jar → quarkus-app/broker/embedded-broker.jar
            for (Path p = codeSource; p != null; p = p.getParent()) {
                candidates.add(p.resolve("broker").resolve("embedded-broker.jar"));
                candidates.add(p.resolve("embedded-broker").resolve("target").resolve("embedded-broker.jar"));
            }
        } catch (URISyntaxException | RuntimeException e) {
            // fall through to the working directory
        }
        candidates.add(Path.of("embedded-broker", "target", "embedded-broker.jar"));
        candidates.add(Path.of("..", "embedded-broker", "target", "embedded-broker.jar"));
        return candidates.stream().filter(Files::isRegularFile).findFirst();
    }
}
