package io.sensorproof.gateway.standalone;

import io.sensorproof.broker.BrokerProcess;
import io.sensorproof.broker.access.AccessPolicy;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.jboss.logging.Logger;

/**
 * Finds the standalone broker jar and starts it ({@link BrokerProcess}) when no MQTT URL is
 * configured: the gateway's client on the plain listener of 127.0.0.1 by password, devices on the
 * TLS listener by device certificate (ADR 019). The jar sits next to the packaged application ({@code quarkus-app/broker/}); when
 * running from the build tree, the one built by the {@code embedded-broker} module is used.
 */
final class StandaloneBroker {
    private static final Logger LOG = Logger.getLogger(StandaloneBroker.class);

    private StandaloneBroker() {
    }

    /** How long the adoption probe's MQTT CONNECT may take. */
    static final Duration ADOPTION_PROBE_TIMEOUT = Duration.ofSeconds(15);

    /**
     * Adopts the broker a gateway killed with {@code kill -9} left running in the data directory when
     * it qualifies (ADR 040: same jar, arguments and JVM, both listeners answering, the gateway's
     * credentials accepted by an MQTT CONNECT), so devices stay connected across the gateway's
     * restart; otherwise stops such an orphan and starts a fresh broker.
     */
    static BrokerProcess start(StandaloneConfig config) throws IOException {
        Path jar = config.brokerJar().map(Path::of).or(StandaloneBroker::locateJar).orElseThrow(() ->
                new IOException("embedded-broker.jar not found; build it (mvn -pl embedded-broker package) or set "
                        + StandaloneConfig.BROKER_JAR + ", or point " + StandaloneConfig.MQTT_URL + " at a broker"));
        Path dir = brokerDirectory(config.dataDirectory());
        BrokerProcess.DeviceListener devices = new BrokerProcess.DeviceListener(config.brokerTlsBind(), config.brokerTlsPort());
        Optional<BrokerProcess> adopted = BrokerProcess.adoptOrphan(jar, dir, "127.0.0.1", config.brokerPort(), devices,
                StandaloneBroker::mqttProblems, reason -> LOG.warn("the broker left running by a gateway that died is not adopted"
                        + " (it is stopped and a fresh one started): " + reason));
        if (adopted.isPresent()) {
            return adopted.get();
        }
        return BrokerProcess.start(jar, dir, "127.0.0.1", config.brokerPort(), devices, Duration.ofSeconds(120));
    }

    /**
     * An MQTT v5 CONNECT to the plain listener with the gateway's credentials, then DISCONNECT: the
     * broker answers the protocol and accepts the password this gateway will use. Empty when it does.
     */
    static List<String> mqttProblems(BrokerProcess broker) {
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        options.setSessionExpiryInterval(0L);
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout((int) ADOPTION_PROBE_TIMEOUT.toSeconds());
        options.setUserName(AccessPolicy.GATEWAY_USERNAME);
        try {
            options.setPassword(broker.credentials().orElseThrow().gatewayPassword().getBytes(StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            return List.of("the gateway's broker password cannot be read: " + e.getMessage());
        }
        MqttClient client = null;
        try {
            client = new MqttClient(broker.url(), "sensorproof-adoption-probe-" + ProcessHandle.current().pid(), new MemoryPersistence());
            client.setTimeToWait(ADOPTION_PROBE_TIMEOUT.toMillis());
            client.connect(options);
            client.disconnect();
            return List.of();
        } catch (MqttException e) {
            return List.of("an MQTT CONNECT with the gateway's credentials failed: " + e.getMessage() + " (reason " + e.getReasonCode() + ")");
        } finally {
            if (client != null) {
                try {
                    client.close();
                } catch (MqttException e) {
                    LOG.debug("closing the adoption probe's client failed", e);
                }
            }
        }
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
