package io.sensorproof.broker;

import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.embedded.EmbeddedHiveMQBuilder;
import io.sensorproof.broker.access.AccessPolicy;
import io.sensorproof.broker.access.DeviceAccessExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs HiveMQ Community Edition as the standalone-mode MQTT v5 broker, in a process of its own so
 * that its libraries never meet the gateway's and a gateway crash leaves the broker (and its
 * persistent sessions) running, as a real broker would.
 *
 * <p>Usage: {@code java -jar embedded-broker.jar --port 1883 --data-dir DIR [--bind 127.0.0.1]
 * (--tls-port 8883 [--tls-bind 0.0.0.0] | --anonymous)}. With {@code --tls-port} (ADR 019) the broker
 * serves devices on a TLS listener that requires a client certificate from the device CA, accepts
 * only the gateway's credentials on the plain listener, and enforces the topic permissions of
 * {@link DeviceAccessExtension}; its credential files live in {@code DIR/auth}
 * ({@link BrokerCredentials}). {@code --anonymous} serves anyone on the plain listener, for tests
 * and development only. Writes {@code DIR/broker.pid}, keeps sessions and queued messages (under
 * {@code DIR/data} with file persistence), prints {@code READY <port>} when the listeners are up (and exits with
 * status 69 instead when this process does not listen on one of its ports, which HiveMQ only logs: {@link OwnListeners}),
 * and stops cleanly on SIGTERM. {@code --log-level DEBUG} (or TRACE, INFO, WARN) sets HiveMQ's own log level (default
 * INFO); at DEBUG it logs why it disconnects a client.
 *
 * <p>{@code --persistence in-memory} (ADR 049; standalone mode passes it) keeps sessions and queues in
 * memory only: HiveMQ starts without opening its file stores, and SIGTERM ends the process at once
 * instead of running HiveMQ's graceful shutdown (about 4.4 s: Netty's fixed 2 s quiet period, then
 * closing the stores), since there is nothing left to write. Clients see their connection end either
 * way. The default, {@code file}, keeps them under {@code DIR/data} across a restart and stops
 * gracefully. Each step of the start and stop is logged as {@code broker phase <name> (JVM up <ms> ms)}.
 */
public final class BrokerMain {
    /** Exit status when a listener did not start because its port is taken (EX_UNAVAILABLE). */
    static final int EXIT_LISTENER_NOT_STARTED = 69;
    private static final Set<String> FLAGS = Set.of("anonymous");
    private static final Instant JVM_START = ProcessHandle.current().info().startInstant().orElseGet(Instant::now);

    /** Where HiveMQ keeps sessions, subscriptions and queued messages ({@code --persistence}). */
    enum Persistence {
        /** HiveMQ's file stores under {@code DIR/data}: kept across a restart, flushed by a graceful stop. */
        FILE("file"),
        /** Memory only: lost with the process, which therefore stops without a graceful shutdown (ADR 049). */
        IN_MEMORY("in-memory");

        final String mode;

        Persistence(String mode) {
            this.mode = mode;
        }

        static Persistence of(String value) {
            for (Persistence p : values()) {
                if (p.mode.equals(value)) {
                    return p;
                }
            }
            usage("--persistence is file or in-memory, not " + value);
            throw new IllegalStateException("unreachable");
        }
    }

    private BrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                usage("unexpected argument " + args[i]);
            }
            String name = args[i].substring(2);
            if (FLAGS.contains(name)) {
                options.put(name, "true");
            } else if (i + 1 < args.length) {
                options.put(name, args[++i]);
            } else {
                usage("--" + name + " needs a value");
            }
        }
        if (!options.containsKey("port") || !options.containsKey("data-dir")) {
            usage("--port and --data-dir are required");
        }
        phase("main");
        boolean anonymous = options.containsKey("anonymous");
        if (anonymous == options.containsKey("tls-port")) {
            usage("give either --tls-port (devices by certificate, ADR 019) or --anonymous (tests only)");
        }
        Persistence persistence = Persistence.of(options.getOrDefault("persistence", Persistence.FILE.mode));
        int port = Integer.parseInt(options.get("port"));
        String bind = options.getOrDefault("bind", "127.0.0.1");
        Path dir = Path.of(options.get("data-dir")).toAbsolutePath();
        Files.createDirectories(dir.resolve("conf"));
        Files.createDirectories(dir.resolve("data"));
        Files.createDirectories(dir.resolve("extensions"));
        EmbeddedHiveMQBuilder builder = EmbeddedHiveMQ.builder().withConfigurationFolder(dir.resolve("conf"))
                .withDataFolder(dir.resolve("data")).withExtensionsFolder(dir.resolve("extensions"));
        String config;
        if (anonymous) {
            config = config(port, bind, null, persistence);
        } else {
            BrokerCredentials credentials = new BrokerCredentials(dir.resolve("auth")).createIfMissing();
            TlsListener tls = new TlsListener(Integer.parseInt(options.get("tls-port")), options.getOrDefault("tls-bind", "0.0.0.0"),
                    credentials);
            config = config(port, bind, tls, persistence);
            builder.withEmbeddedExtension(DeviceAccessExtension.embedded(new AccessPolicy(credentials.gatewayPassword())));
        }
        // the configuration holds the key store's password: owner only
        writeOwnerOnly(dir.resolve("conf/config.xml"), config);
        writeLogConfiguration(dir.resolve("conf/logback.xml"), options.getOrDefault("log-level", "INFO"));
        Files.writeString(dir.resolve("broker.pid"), Long.toString(ProcessHandle.current().pid()));
        phase("configured");

        if (persistence == Persistence.FILE) {
            limitFileStoreBuffers();
        }
        widenInFlightWindow();
        EmbeddedHiveMQ hivemq = builder.build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                if (persistence == Persistence.IN_MEMORY) {
                    // nothing to flush: the JVM ends when this hook returns and the kernel closes every
                    // connection, as HiveMQ's graceful stop would, but without its 4 s of waiting
                    phase("stop: in-memory persistence, exiting without HiveMQ's graceful shutdown");
                } else {
                    phase("stop: graceful shutdown (file persistence)");
                    hivemq.stop().get(30, TimeUnit.SECONDS);
                    phase("stopped");
                }
                Files.deleteIfExists(dir.resolve("broker.pid"));
            } catch (Exception e) {
                System.err.println("broker stop failed: " + e);
            } finally {
                stopped.countDown();
            }
        }, "broker-shutdown"));
        hivemq.start().get(120, TimeUnit.SECONDS);
        Optional<String> missing = OwnListeners.missing(anonymous ? Set.of(port) : Set.of(port, Integer.parseInt(options.get("tls-port"))));
        if (missing.isPresent()) {
            // HiveMQ starts even when a listener cannot bind; a broker without its listeners must not say READY
            System.err.println("broker start failed: " + missing.get());
            System.err.flush();
            System.exit(EXIT_LISTENER_NOT_STARTED);
        }
        phase("listening");
        System.out.println("READY " + port);
        System.out.flush();
        stopped.await();
    }

    /**
     * The device listener.
     *
     * @param port TCP port
     * @param bind address to listen on
     * @param credentials key store and device trust store
     */
    record TlsListener(int port, String bind, BrokerCredentials credentials) {
    }

    /**
     * With file persistence HiveMQ sizes the RocksDB write buffers of its retained-message store at 1/32 of
     * the machine's RAM and of its payload store at a fixed portion of it, spread over 64 buckets whose
     * write-ahead logs are preallocated: on a 24 GB machine a broker's data folder held 0.6 GB while it ran,
     * whatever its heap, and tests start several (the official CI once ran out of disk). Retained messages
     * (which nothing here uses) go to HiveMQ's Xodus store and the payload buffers are 1/1024 of RAM.
     */
    static void limitFileStoreBuffers() {
        com.hivemq.configuration.service.InternalConfigurations.RETAINED_MESSAGE_PERSISTENCE_TYPE
                .set(com.hivemq.migration.meta.PersistenceType.FILE);
        com.hivemq.configuration.service.InternalConfigurations.PAYLOAD_PERSISTENCE_MEMTABLE_SIZE_PORTION.set(1024);
    }

    /**
     * The most QoS 1 publishes HiveMQ sends a client before it has their PUBACKs, when the client's own Receive
     * Maximum allows as many (HiveMQ CE's internal default is 50, whatever the client announces). For a shared
     * subscription HiveMQ sends the next messages only once every one it sent is acknowledged, so this is also the
     * largest batch the gateway can ever take from its subscription: with 50 the gateway's batches were at most 50
     * messages (its {@code sensorproof.mqtt.receive-maximum} and {@code batch-max} of 256 never applied) and every
     * one cost a commit and one acknowledgement signature per device in it (ADR 055).
     */
    static final int MAX_IN_FLIGHT_PER_CLIENT = 1024;

    /** Sets {@link #MAX_IN_FLIGHT_PER_CLIENT} (an internal setting of HiveMQ, not in its configuration file): before the start. */
    static void widenInFlightWindow() {
        com.hivemq.configuration.service.InternalConfigurations.MAX_INFLIGHT_WINDOW_SIZE_MESSAGES = MAX_IN_FLIGHT_PER_CLIENT;
    }

    /**
     * The Receive Maximum the broker announces to every client (HiveMQ CE's default is 10): how many QoS 1
     * publishes a client may have unacknowledged at the broker. The gateway publishes one signed acknowledgement
     * per device and batch at QoS 1 (up to a batch's 256 devices at once), so with 10 its ingest worker waited
     * for the broker's PUBACKs after every tenth acknowledgement (the MQTT load test took 14–32 % more single-reading
     * messages a second with 1,024; ADR 054). A device publishes far fewer at once (its own window).
     */
    static final int SERVER_RECEIVE_MAXIMUM = 1024;

    /**
     * The most messages HiveMQ keeps queued for one client or share group before it discards new ones (HiveMQ CE's
     * default is 1,000, strategy {@code discard}). All devices' messages wait in one queue, the gateway's share group,
     * while the gateway has its Receive Maximum (256) in flight: with 1,000, a fleet of 3,000 devices sending on the
     * same second lost about 1,200 of 20,400 messages at the broker, after the broker had PUBACKed them to the devices,
     * which sent them again only after their acknowledgement timeout (5 s and more; ADR 061). Nothing was lost for
     * good (a device resends what the gateway did not acknowledge), but the fleet's backlog took 10-24 s to clear
     * instead of 1-2 s. 10,000 messages of at most 4 kB (an ML-DSA-65 hybrid pack) are 40 MB of the broker's 256 MB heap.
     */
    static final int MAX_QUEUED_MESSAGES = 10_000;

    static String config(int port, String bind, TlsListener tls, Persistence persistence) throws IOException {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?>\n<hivemq>\n  <listeners>\n");
        xml.append("    <tcp-listener><port>").append(port).append("</port><bind-address>").append(escape(bind))
                .append("</bind-address></tcp-listener>\n");
        if (tls != null) {
            String keystorePassword = escape(tls.credentials().serverKeystorePassword());
            xml.append("    <tls-tcp-listener>\n      <port>").append(tls.port()).append("</port>\n      <bind-address>")
                    .append(escape(tls.bind())).append("</bind-address>\n      <tls>\n")
                    .append("        <protocols><protocol>TLSv1.3</protocol><protocol>TLSv1.2</protocol></protocols>\n")
                    .append("        <keystore><path>").append(escape(tls.credentials().serverKeystore().toString()))
                    .append("</path><password>").append(keystorePassword).append("</password><private-key-password>")
                    .append(keystorePassword).append("</private-key-password></keystore>\n")
                    .append("        <truststore><path>").append(escape(tls.credentials().deviceTrustStore().toString()))
                    .append("</path><password>").append(BrokerCredentials.DEVICE_TRUST_PASSWORD).append("</password></truststore>\n")
                    .append("        <client-authentication-mode>REQUIRED</client-authentication-mode>\n")
                    .append("      </tls>\n    </tls-tcp-listener>\n");
        }
        xml.append("  </listeners>\n")
                // no topic aliases: Paho 1.2.5 resends in-flight QoS 1 publishes after a reconnect with the
                // alias of the old connection and no topic, the broker disconnects it for that (reason 148)
                // and the device never reconnects for good (seen in GatewayCrashIT after kill -9)
                .append("  <mqtt><topic-alias><enabled>false</enabled></topic-alias>")
                .append("<receive-maximum><server-receive-maximum>").append(SERVER_RECEIVE_MAXIMUM)
                .append("</server-receive-maximum></receive-maximum>")
                .append("<queued-messages><max-queue-size>").append(MAX_QUEUED_MESSAGES)
                .append("</max-queue-size><strategy>discard</strategy></queued-messages></mqtt>\n")
                .append("  <persistence><mode>").append(persistence.mode).append("</mode></persistence>\n")
                .append("  <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>\n")
                .append("</hivemq>\n");
        return xml.toString();
    }

    /** HiveMQ replaces its logging configuration with {@code conf/logback.xml}: this one sets the level of its loggers. */
    static void writeLogConfiguration(Path file, String level) throws IOException {
        if (!Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR").contains(level)) {
            usage("--log-level is one of TRACE, DEBUG, INFO, WARN, ERROR");
        }
        Files.writeString(file, "<configuration>\n"
                + "  <appender name=\"CONSOLE\" class=\"ch.qos.logback.core.ConsoleAppender\">\n"
                + "    <encoder><pattern>%-30(%d %level)- %msg%n%ex</pattern></encoder>\n"
                + "  </appender>\n"
                + "  <logger name=\"com.hivemq\" level=\"" + level + "\"/>\n"
                + "  <logger name=\"migrations\" level=\"WARN\"/>\n"
                + "  <logger name=\"jetbrains.exodus\" level=\"WARN\"/>\n"
                + "  <logger name=\"org.eclipse.jetty\" level=\"ERROR\"/>\n"
                + "  <logger name=\"com.google.common.util.concurrent.Futures.CombinedFuture\" level=\"OFF\"/>\n"
                + "  <logger name=\"oshi\" level=\"ERROR\"/>\n"
                + "  <root level=\"INFO\"><appender-ref ref=\"CONSOLE\"/></root>\n"
                + "</configuration>\n", StandardCharsets.UTF_8);
    }

    /** One line per step of start and stop, with the time since the JVM started, for restart timelines (ADR 049). */
    static void phase(String name) {
        Instant now = Instant.now();
        System.out.println(now + " broker phase " + name + " (JVM up " + Duration.between(JVM_START, now).toMillis() + " ms)");
        System.out.flush();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static void writeOwnerOnly(Path file, String content) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, content, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
    }

    private static void usage(String problem) {
        System.err.println(problem);
        System.err.println("usage: java -jar embedded-broker.jar --port PORT --data-dir DIR [--bind ADDRESS]"
                + " (--tls-port PORT [--tls-bind ADDRESS] | --anonymous) [--persistence file|in-memory] [--log-level DEBUG]");
        System.exit(64);
    }
}
