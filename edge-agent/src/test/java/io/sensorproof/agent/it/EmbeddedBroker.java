package io.sensorproof.agent.it;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.embedded.EmbeddedHiveMQBuilder;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real MQTT v5 broker for tests: HiveMQ Community Edition, embedded, on a free loopback port,
 * optionally with a TLS listener. It can be stopped and started again on the same ports to
 * simulate an outage. Its sessions and queues are kept on disk (HiveMQ's file persistence), so a
 * client with a kept session finds them again after a restart. It may load one embedded extension
 * that injects faults ({@link PublishHold}). With {@code -Dhivemq.log-level=DEBUG} HiveMQ logs, among
 * other things, why it disconnects a client.
 *
 * <p>Disk: HiveMQ sizes the RocksDB write buffers of its retained-message and payload stores from the
 * machine's RAM (1/32 of it and a fixed portion, in 64 buckets, each with a preallocated write-ahead log): on a
 * 24 GB machine one broker's data folder held 0.6–1.3 GB while it ran, and the official CI once ran out
 * of disk in these tests ("No space left on device"). The brokers here keep retained messages in Xodus
 * (none are used) and size the payload buffers at 1/1024 of RAM, as the standalone broker does with file
 * persistence (ADR 054), and {@link #close()} deletes the data folder.
 */
public final class EmbeddedBroker implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final int tlsPort;
    private final EmbeddedExtension extension;
    private EmbeddedHiveMQ hivemq;

    private EmbeddedBroker(Path dir, int port, int tlsPort, EmbeddedExtension extension) {
        this.dir = dir;
        this.port = port;
        this.tlsPort = tlsPort;
        this.extension = extension;
    }

    /** Starts a broker with its configuration and data under {@code dir}. */
    public static EmbeddedBroker start(Path dir) throws Exception {
        return start(dir, null, null, null);
    }

    /** Starts a broker under {@code dir} that loads {@code extension} at every start. */
    public static EmbeddedBroker start(Path dir, EmbeddedExtension extension) throws Exception {
        return start(dir, null, null, extension);
    }

    /**
     * Starts a broker with a plain listener and, when {@code keystore} is given, a TLS listener
     * using that PKCS#12 key store.
     */
    public static EmbeddedBroker start(Path dir, Path keystore, String password) throws Exception {
        return start(dir, keystore, password, null);
    }

    private static EmbeddedBroker start(Path dir, Path keystore, String password, EmbeddedExtension extension) throws Exception {
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
        String logLevel = System.getProperty("hivemq.log-level");
        if (logLevel != null) {
            // HiveMQ replaces the logging configuration with conf/logback.xml when there is one
            Files.writeString(dir.resolve("conf/logback.xml"), "<configuration>\n"
                    + "  <appender name=\"CONSOLE\" class=\"ch.qos.logback.core.ConsoleAppender\">\n"
                    + "    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{0} - %msg%n%ex</pattern></encoder>\n"
                    + "  </appender>\n  <logger name=\"com.hivemq\" level=\"" + logLevel + "\"/>\n"
                    + "  <logger name=\"jetbrains.exodus\" level=\"WARN\"/>\n"
                    + "  <root level=\"INFO\"><appender-ref ref=\"CONSOLE\"/></root>\n</configuration>\n");
        }
        EmbeddedBroker broker = new EmbeddedBroker(dir, port, tlsPort, extension);
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
        com.hivemq.configuration.service.InternalConfigurations.RETAINED_MESSAGE_PERSISTENCE_TYPE
                .set(com.hivemq.migration.meta.PersistenceType.FILE);
        com.hivemq.configuration.service.InternalConfigurations.PAYLOAD_PERSISTENCE_MEMTABLE_SIZE_PORTION.set(1024);
        EmbeddedHiveMQBuilder builder = EmbeddedHiveMQ.builder().withConfigurationFolder(dir.resolve("conf"))
                .withDataFolder(dir.resolve("data")).withExtensionsFolder(dir.resolve("extensions"));
        if (extension != null) {
            builder.withEmbeddedExtension(extension);
        }
        hivemq = builder.build();
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

    /** Stops the broker and deletes its data folder (the configuration stays). */
    @Override
    public void close() throws Exception {
        stop();
        Path data = dir.resolve("data");
        if (Files.isDirectory(data)) {
            try (java.util.stream.Stream<Path> files = Files.walk(data)) {
                for (Path f : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
