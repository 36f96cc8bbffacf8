package io.sensorproof.agent.it;

import com.hivemq.embedded.EmbeddedHiveMQ;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real MQTT v5 broker for tests: HiveMQ Community Edition, embedded, on a free loopback port,
 * optionally with a TLS listener. It can be stopped and started again on the same ports to
 * simulate an outage.
 */
public final class EmbeddedBroker implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final int tlsPort;
    private EmbeddedHiveMQ hivemq;

    private EmbeddedBroker(Path dir, int port, int tlsPort) {
        this.dir = dir;
        this.port = port;
        this.tlsPort = tlsPort;
    }

    /** Starts a broker with its configuration and data under {@code dir}. */
    public static EmbeddedBroker start(Path dir) throws Exception {
        return start(dir, null, null);
    }

    /**
     * Starts a broker with a plain listener and, when {@code keystore} is given, a TLS listener
     * using that PKCS#12 key store.
     */
    public static EmbeddedBroker start(Path dir, Path keystore, String password) throws Exception {
        int port = freePort();
        int tlsPort = keystore == null ? -1 : freePort();
        String tls = keystore == null ? "" : "    <tls-tcp-listener><port>" + tlsPort + "</port><bind-address>127.0.0.1</bind-address>\n"
                + "      <tls><keystore><path>" + keystore.toAbsolutePath() + "</path><password>" + password
                + "</password><private-key-password>" + password + "</private-key-password></keystore></tls>\n"
                + "    </tls-tcp-listener>\n";
        Files.createDirectories(dir.resolve("conf"));
        Files.createDirectories(dir.resolve("data"));
        Files.createDirectories(dir.resolve("extensions"));
        Files.writeString(dir.resolve("conf/config.xml"), "<?xml version=\"1.0\"?>\n<hivemq>\n  <listeners>\n"
                + "    <tcp-listener><port>" + port + "</port><bind-address>127.0.0.1</bind-address></tcp-listener>\n" + tls
                + "  </listeners>\n  <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>\n</hivemq>\n");
        EmbeddedBroker broker = new EmbeddedBroker(dir, port, tlsPort);
        broker.startAgain();
        return broker;
    }

    /** The broker URL. */
    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    /** The TLS listener's URL (host name localhost, as in the test certificate). */
    public String tlsUrl() {
        return "ssl://localhost:" + tlsPort;
    }

    /** Starts the broker (again) on the same ports. */
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
