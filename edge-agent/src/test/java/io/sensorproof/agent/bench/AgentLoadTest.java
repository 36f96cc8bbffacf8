package io.sensorproof.agent.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sensorproof.agent.EdgeAgent;
import io.sensorproof.agent.it.AcknowledgingGateway;
import io.sensorproof.agent.it.EmbeddedBroker;
import io.sensorproof.agent.keys.KeyFiles;
import io.sensorproof.protocol.retry.Backoff;
import io.sensorproof.agent.transport.MqttTransport;
import io.sensorproof.agent.config.AgentConfig;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Load test of the edge agent; writes its parameters and results as JSON.
 *
 * <ol>
 *   <li>ingest: readings submitted as fast as possible with no broker reachable: signing and the
 *       durable outbox append (one fsync per message) on one thread; messages/s, readings/s and
 *       readings per CPU-second of that thread, for packs of 1 and 10;
 *   <li>end to end: the same through an embedded HiveMQ broker to an acknowledging peer in this
 *       JVM, until every message is acknowledged (both share the machine's 2 cores);
 *   <li>drain: the backlog left by the ingest phase (packs of 10), sent by a fresh agent process
 *       state after the "outage", timed from connect to empty outbox;
 *   <li>steady state: an agent process with {@code -Xmx64m} fed a few hundred sensors' readings
 *       through {@code edge-agent run}; its heap and RSS sampled from its status file.
 * </ol>
 *
 * <p>Run: {@code mvn -B -pl edge-agent -am -Pbench verify -DskipTests} writes
 * {@code edge-agent/target/agent-load.json}.
 */
public final class AgentLoadTest {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private AgentLoadTest() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        int readings = Integer.parseInt(a.getOrDefault("readings", "30000"));
        int sensors = Integer.parseInt(a.getOrDefault("sensors", "300"));
        int intervalSeconds = Integer.parseInt(a.getOrDefault("interval-seconds", "10"));
        int steadySeconds = Integer.parseInt(a.getOrDefault("steady-seconds", "60"));
        Path out = Path.of(a.getOrDefault("out", "target/agent-load.json"));
        Path work = Files.createTempDirectory("agent-load");

        Map<String, Object> report = new LinkedHashMap<>();
        report.put("command", "mvn -B -pl edge-agent -am -Pbench verify -DskipTests");
        report.put("parameters", Map.of("readings", readings, "sensors", sensors, "intervalSeconds", intervalSeconds,
                "steadySeconds", steadySeconds, "algorithm", "ES256"));
        report.put("machine", Map.of("availableProcessors", Runtime.getRuntime().availableProcessors(),
                "java", System.getProperty("java.version"), "os", System.getProperty("os.name") + " " + System.getProperty("os.arch")));

        SigningKey gatewayKey = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
        List<Map<String, Object>> ingest = new ArrayList<>();
        for (int pack : new int[] {1, 10}) {
            ingest.add(ingest(work.resolve("ingest-" + pack), gatewayKey, pack, readings));
        }
        report.put("ingest", ingest);

        try (EmbeddedBroker broker = EmbeddedBroker.start(work.resolve("broker"))) {
            List<Map<String, Object>> endToEnd = new ArrayList<>();
            for (int pack : new int[] {1, 10}) {
                endToEnd.add(endToEnd(work.resolve("e2e-" + pack), broker, gatewayKey, pack, readings));
            }
            report.put("endToEnd", endToEnd);
            report.put("drainAfterOutage", drain(work.resolve("ingest-10"), broker, gatewayKey));
            report.put("steadyState", steady(work.resolve("steady"), broker, gatewayKey, sensors, intervalSeconds, steadySeconds));
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        JSON.writeValue(out.toFile(), report);
        System.out.println(JSON.writeValueAsString(report));
        System.out.println("results written to " + out.toAbsolutePath());
        System.exit(0);
    }

    private static Properties properties(Path dir, String url, SigningKey gatewayKey, int pack) {
        Properties p = new Properties();
        p.setProperty("tenant", "bench");
        p.setProperty("device", "bench-device");
        p.setProperty("data.dir", dir.toString());
        p.setProperty("gateway.ack-key", Base64.getEncoder().encodeToString(gatewayKey.verificationKey().spki()));
        p.setProperty("mqtt.url", url);
        p.setProperty("pack.max-records", Integer.toString(pack));
        p.setProperty("pack.max-age-millis", "1000");
        p.setProperty("reconnect.min-millis", "100");
        p.setProperty("reconnect.max-millis", "1000");
        p.setProperty("outbox.capacity-bytes", Long.toString(256L << 20));
        return p;
    }

    private static EdgeAgent agent(Properties p, SigningKey device, SigningKey gatewayKey) throws Exception {
        AgentConfig config = AgentConfig.resolve(p, Map.of());
        return EdgeAgent.start(config, device, gatewayKey.verificationKey(),
                metrics -> new MqttTransport(config, new Backoff(config.reconnectMin(), config.reconnectMax(), new SecureRandom()),
                        metrics::recordBackoff), Clock.systemUTC());
    }

    private static Reading reading(int i) {
        // temperature and humidity only: a register reading costs a durable register write of its own
        // (emissions are sampled every few minutes, not at load-test rates)
        Quantity q = i % 2 == 0 ? Quantity.TEMPERATURE : Quantity.HUMIDITY;
        double v = q == Quantity.TEMPERATURE ? 2 + (i % 50) / 10.0 : 40 + i % 30;
        return new Reading(q, v, 1_764_000_000_000L + i * 10L);
    }

    private static Map<String, Object> ingest(Path dir, SigningKey gatewayKey, int pack, int readings) throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        SigningKey device = KeyFiles.generate(dir.resolve("device-key.p8"), SignatureAlgorithm.ES256);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (EdgeAgent agent = agent(properties(dir, "tcp://127.0.0.1:" + deadPort, gatewayKey, pack), device, gatewayKey)) {
            for (int i = 0; i < 2000; i++) {
                agent.submit(reading(i));
            }
            agent.flush();
            long cpu0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            for (int i = 2000; i < 2000 + readings; i++) {
                agent.submit(reading(i));
            }
            agent.flush();
            double seconds = (System.nanoTime() - t0) / 1e9;
            double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("packSize", pack);
            r.put("readings", readings);
            r.put("seconds", round(seconds));
            r.put("messagesPerSecond", round(readings / (double) pack / seconds));
            r.put("readingsPerSecond", round(readings / seconds));
            r.put("readingsPerCpuSecond", round(readings / cpu));
            r.put("outboxBytes", agent.outboxStats().bytes());
            System.out.println("ingest " + r);
            return r;
        }
    }

    private static Map<String, Object> endToEnd(Path dir, EmbeddedBroker broker, SigningKey gatewayKey, int pack, int readings) throws Exception {
        SigningKey device = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
        try (AcknowledgingGateway gateway = new AcknowledgingGateway(broker.url(), gatewayKey, device.verificationKey());
                EdgeAgent agent = agent(properties(dir, broker.url(), gatewayKey, pack), device, gatewayKey)) {
            long t0 = System.nanoTime();
            for (int i = 0; i < readings; i++) {
                agent.submit(reading(i));
            }
            agent.flush();
            boolean drained = agent.awaitDrained(Duration.ofMinutes(10));
            double seconds = (System.nanoTime() - t0) / 1e9;
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("packSize", pack);
            r.put("readings", readings);
            r.put("drained", drained);
            r.put("seconds", round(seconds));
            r.put("messagesPerSecond", round(readings / (double) pack / seconds));
            r.put("readingsPerSecond", round(readings / seconds));
            r.put("agent", agent.describe());
            System.out.println("end-to-end " + r);
            return r;
        }
    }

    private static Map<String, Object> drain(Path dir, EmbeddedBroker broker, SigningKey gatewayKey) throws Exception {
        SigningKey device = KeyFiles.load(dir.resolve("device-key.p8"));
        try (AcknowledgingGateway gateway = new AcknowledgingGateway(broker.url(), gatewayKey, device.verificationKey());
                EdgeAgent agent = agent(properties(dir, broker.url(), gatewayKey, 10), device, gatewayKey)) {
            long backlog = agent.outboxStats().depth();
            long t0 = System.nanoTime();
            org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(5))
                    .until(() -> agent.metrics().connects() > 0);
            long connected = System.nanoTime();
            boolean drained = agent.awaitDrained(Duration.ofMinutes(10));
            double seconds = (System.nanoTime() - connected) / 1e9;
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("backlogMessages", backlog);
            r.put("drained", drained);
            r.put("secondsToConnect", round((connected - t0) / 1e9));
            r.put("secondsToDrain", round(seconds));
            r.put("messagesPerSecond", round(backlog / seconds));
            r.put("readingsPerSecond", round(backlog * 10 / seconds));
            System.out.println("drain " + r);
            return r;
        }
    }

    private static Map<String, Object> steady(Path dir, EmbeddedBroker broker, SigningKey gatewayKey, int sensors, int intervalSeconds,
            int seconds) throws Exception {
        SigningKey device = KeyFiles.generate(dir.resolve("device-key.p8"), SignatureAlgorithm.ES256);
        Properties p = properties(dir, broker.url(), gatewayKey, 10);
        Path config = dir.resolve("agent.properties");
        try (Writer w = Files.newBufferedWriter(config)) {
            p.store(w, null);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Long> rss = new ArrayList<>();
        List<Long> heap = new ArrayList<>();
        long fed = 0;
        try (AcknowledgingGateway gateway = new AcknowledgingGateway(broker.url(), gatewayKey, device.verificationKey())) {
            Process agent = new ProcessBuilder(java, "-Xmx64m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                    "io.sensorproof.agent.cli.AgentCli", "run", "-c", config.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("agent.log").toFile()).start();
            double perSecond = sensors / (double) intervalSeconds;
            long start = System.nanoTime();
            try (Writer stdin = new java.io.OutputStreamWriter(agent.getOutputStream(), StandardCharsets.UTF_8)) {
                while (System.nanoTime() - start < seconds * 1_000_000_000L) {
                    long due = (long) ((System.nanoTime() - start) / 1e9 * perSecond);
                    for (; fed < due; fed++) {
                        stdin.write("{\"n\":\"temperature\",\"v\":" + (2 + fed % 40 / 10.0) + "}\n");
                    }
                    stdin.flush();
                    // feed pacing of the load generator (readings due per 100 ms), not a synchronisation
                    Thread.sleep(100);
                    if ((System.nanoTime() - start) / 1_000_000_000L % 5 == 0) {
                        sample(dir, rss, heap);
                    }
                }
            }
            agent.waitFor();
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("sensors", sensors);
        r.put("intervalSeconds", intervalSeconds);
        r.put("readingsPerSecond", round(sensors / (double) intervalSeconds));
        r.put("seconds", seconds);
        r.put("readingsFed", fed);
        r.put("jvmOptions", "-Xmx64m -XX:+UseSerialGC");
        r.put("heapUsedMaxBytes", heap.stream().mapToLong(Long::longValue).max().orElse(-1));
        r.put("heapUsedLastBytes", heap.isEmpty() ? -1 : heap.get(heap.size() - 1));
        r.put("rssMaxBytes", rss.stream().mapToLong(Long::longValue).max().orElse(-1));
        r.put("rssLastBytes", rss.isEmpty() ? -1 : rss.get(rss.size() - 1));
        System.out.println("steady " + r);
        return r;
    }

    private static void sample(Path dir, List<Long> rss, List<Long> heap) {
        Path status = EdgeAgent.statusFile(dir);
        try {
            Properties s = new Properties();
            try (var in = Files.newBufferedReader(status)) {
                s.load(in);
            }
            rss.add(Long.parseLong(s.getProperty("rss_bytes", "-1")));
            heap.add(Long.parseLong(s.getProperty("heap_used_bytes", "-1")));
        } catch (Exception e) {
            // not written yet
        }
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
