package io.sensorproof.agent.it;

import com.hivemq.embedded.EmbeddedHiveMQ;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real MQTT v5 broker for tests: HiveMQ Community Edition, embedded, on a free loopback port.
 * It can be stopped and started again on the same port to simulate an outage.
 */
public final class EmbeddedBroker implements AutoCloseable {
    private final Path dir;
    private final int port;
    private EmbeddedHiveMQ hivemq;

    private EmbeddedBroker(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Starts a broker with its configuration and data under {@code dir}. */
    public static EmbeddedBroker start(Path dir) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Files.createDirectories(dir.resolve("conf"));
        Files.createDirectories(dir.resolve("data"));
        Files.createDirectories(dir.resolve("extensions"));
        Files.writeString(dir.resolve("conf/config.xml"), """
                <?xml version="1.0"?>
                <hivemq>
                  <listeners>
                    <tcp-listener><port>%d</port><bind-address>127.0.0.1</bind-address></tcp-listener>
                  </listeners>
                  <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
                </hivemq>
                """.formatted(port));
        EmbeddedBroker broker = new EmbeddedBroker(dir, port);
        broker.startAgain();
        return broker;
    }

    /** The broker URL. */
    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    /** Starts the broker (again) on the same port. */
    public synchronized void startAgain() throws Exception {
        if (hivemq != null) {
            return;
        }
        hivemq = EmbeddedHiveMQ.builder().withConfigurationFolder(dir.resolve("conf")).withDataFolder(dir.resolve("data"))
                .withExtensionsFolder(dir.resolve("extensions")).build();
        hivemq.start().get(60, TimeUnit.SECONDS);
    }

    /** Stops the broker; clients lose their connections. */
    public synchronized void stop() throws Exception {
        if (hivemq == null) {
            return;
        }
        hivemq.stop().get(60, TimeUnit.SECONDS);
        hivemq.close();
        hivemq = null;
    }

    @Override
    public void close() throws Exception {
        stop();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
