package io.sensorproof.broker;

import com.hivemq.embedded.EmbeddedHiveMQ;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs HiveMQ Community Edition as the standalone-mode MQTT v5 broker, in a process of its own so
 * that its libraries never meet the gateway's and a gateway crash leaves the broker (and its
 * persistent sessions) running, as a real broker would.
 *
 * <p>Usage: {@code java -jar embedded-broker.jar --port 1883 --data-dir DIR [--bind 127.0.0.1]}.
 * Writes {@code DIR/broker.pid}, keeps sessions and queued messages under {@code DIR/data}, prints
 * {@code READY <port>} when the listener is up, and stops cleanly on SIGTERM.
 */
public final class BrokerMain {
    private BrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                usage("unexpected argument " + args[i]);
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        if (!options.containsKey("port") || !options.containsKey("data-dir")) {
            usage("--port and --data-dir are required");
        }
        int port = Integer.parseInt(options.get("port"));
        String bind = options.getOrDefault("bind", "127.0.0.1");
        Path dir = Path.of(options.get("data-dir")).toAbsolutePath();
        Files.createDirectories(dir.resolve("conf"));
        Files.createDirectories(dir.resolve("data"));
        Files.createDirectories(dir.resolve("extensions"));
        Files.writeString(dir.resolve("conf/config.xml"), config(port, bind));
        Files.writeString(dir.resolve("broker.pid"), Long.toString(ProcessHandle.current().pid()));

        EmbeddedHiveMQ hivemq = EmbeddedHiveMQ.builder().withConfigurationFolder(dir.resolve("conf"))
                .withDataFolder(dir.resolve("data")).withExtensionsFolder(dir.resolve("extensions")).build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                hivemq.stop().get(30, TimeUnit.SECONDS);
                Files.deleteIfExists(dir.resolve("broker.pid"));
            } catch (Exception e) {
                System.err.println("broker stop failed: " + e);
            } finally {
                stopped.countDown();
            }
        }, "broker-shutdown"));
        hivemq.start().get(120, TimeUnit.SECONDS);
        System.out.println("READY " + port);
        System.out.flush();
        stopped.await();
    }

    static String config(int port, String bind) {
        return "<?xml version=\"1.0\"?>\n<hivemq>\n  <listeners>\n"
                + "    <tcp-listener><port>" + port + "</port><bind-address>" + bind + "</bind-address></tcp-listener>\n"
                + "  </listeners>\n"
                // no topic aliases: Paho 1.2.5 resends in-flight QoS 1 publishes after a reconnect with the
                // alias of the old connection and no topic, the broker disconnects it for that (reason 148)
                // and the device never reconnects for good (seen in GatewayCrashIT after kill -9)
                + "  <mqtt><topic-alias><enabled>false</enabled></topic-alias></mqtt>\n"
                + "  <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>\n"
                + "</hivemq>\n";
    }

    private static void usage(String problem) throws IOException {
        System.err.println(problem);
        System.err.println("usage: java -jar embedded-broker.jar --port PORT --data-dir DIR [--bind ADDRESS]");
        System.exit(64);
    }
}
