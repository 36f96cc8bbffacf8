package io.sensorproof.gateway.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sensorproof.agent.config.AgentConfig;
import io.sensorproof.agent.keys.KeyFiles;
import io.sensorproof.agent.transport.CoapTransport;
import io.sensorproof.gateway.bench.GatewayLoadTest.Accounting;
import io.sensorproof.gateway.bench.GatewayLoadTest.Corpus;
import io.sensorproof.protocol.ack.Acknowledgement;
import io.sensorproof.protocol.ack.AcknowledgementCodec;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.cose.VerificationKey;
import io.sensorproof.protocol.ids.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapHandler;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MessageObserverAdapter;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.scandium.DTLSConnector;

/**
 * CoAP/DTLS load test of the packaged gateway in standalone mode; writes its parameters and
 * results as JSON, next to the MQTT one ({@link GatewayLoadTest}, whose gateway process, corpus,
 * CPU accounting and reporting it reuses).
 *
 * <ol>
 *   <li>the ES256 verify yardstick; the gateway started with CoAP on a free UDP port (read from
 *       the {@code coap} readiness check); a tenant and N ES256 devices registered through the API;
 *   <li>per device one DTLS session in raw public key mode with the device key (the edge agent's
 *       {@link CoapTransport#endpoint} on a device configuration), trusting the gateway's
 *       {@code data/coap-server.pem}; the handshakes are timed;
 *   <li>pre-signed corpora (warm-up and measured phases of packs of 1 and of 10, each its own boot);
 *   <li>per phase a closed loop: {@code window} confirmable POSTs in flight per device, each
 *       response's signed acknowledgement verified, request → verified-ack latency recorded; a 5.03
 *       is counted and its message posted again after Max-Age, as the agent does; the phase stops
 *       issuing after {@code seconds} (or when a device used its whole corpus), accepted messages
 *       and readings per second count what was acknowledged until then, and the requests in flight
 *       are drained;
 *   <li>CPU time of the gateway, PostgreSQL, the (idle) broker and this generator per phase.
 * </ol>
 *
 * <p>Run: {@code mvn -B -pl gateway -am -Pbench verify -DskipTests} writes
 * {@code gateway/target/coap-load.json} (after the MQTT run; {@code -Dbench.mqtt.skip=true} skips that).
 */
public final class CoapLoadTest {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String TENANT = "bench";
    private static final int COSE_SIGN1 = CoapTransport.COSE_SIGN1;

    private CoapLoadTest() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Settings s = GatewayLoadTest.orExit("CoapLoadTest", () -> new Settings(
                Integer.parseInt(a.getOrDefault("devices", "50")),
                Integer.parseInt(a.getOrDefault("window", "8")),
                Duration.ofSeconds(Long.parseLong(a.getOrDefault("warmup-seconds", "10"))),
                Duration.ofSeconds(Long.parseLong(a.getOrDefault("seconds", "25"))),
                Integer.parseInt(a.getOrDefault("warmup-messages", "1000")),
                Integer.parseInt(a.getOrDefault("pack1-messages", "2000")),
                Integer.parseInt(a.getOrDefault("pack10-messages", "1500")),
                Duration.ofSeconds(Long.parseLong(a.getOrDefault("warmup-pack10-seconds", "0"))),
                Integer.parseInt(a.getOrDefault("warmup-pack10-messages", "0")),
                Duration.ofSeconds(Long.parseLong(a.getOrDefault("drain-timeout-seconds", "60"))),
                Integer.parseInt(a.getOrDefault("generator-threads", "2")),
                a.getOrDefault("gateway-jvm-options", "").isBlank() ? List.of()
                        : List.of(a.get("gateway-jvm-options").trim().split("\\s+"))));
        Path jar = Path.of(a.getOrDefault("gateway-jar", "target/quarkus-app/quarkus-run.jar"));
        Path work = Path.of(a.getOrDefault("work", "target/coap-load"));
        Path out = Path.of(a.getOrDefault("out", "target/coap-load.json"));

        Map<String, Object> report = new LinkedHashMap<>();
        // what ran: the profile runs this class with the arguments below; a direct run gives its own
        report.put("command", "java -cp <gateway test classpath> io.sensorproof.gateway.bench.CoapLoadTest " + String.join(" ", args));
        report.put("profileCommand", "mvn -B -pl gateway -am -Pbench verify -DskipTests");
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("transport", "CoAP over DTLS 1.2, raw public keys (device key), confirmable POST /t/{tenant}/d/{device}/up");
        parameters.put("devices", s.devices);
        parameters.put("dtlsSessionsPerDevice", 1);
        parameters.put("windowPerDevice", s.window);
        parameters.put("load", "closed loop: a new request as soon as one is answered");
        parameters.put("warmupSeconds", s.warmup.toSeconds());
        parameters.put("phaseSeconds", s.phase.toSeconds());
        parameters.put("warmupMessagesPerDevice", s.warmupMessages);
        parameters.put("pack1MessagesPerDevice", s.pack1);
        parameters.put("pack10MessagesPerDevice", s.pack10);
        parameters.put("warmupPack10Seconds", s.warmupPack10.toSeconds());
        parameters.put("warmupPack10MessagesPerDevice", s.warmupPack10Messages);
        parameters.put("generatorThreads", s.generatorThreads);
        parameters.put("algorithm", "ES256");
        parameters.put("gatewayJvmOptions", String.join(" ", s.jvmOptions));
        parameters.put("gatewayJar", jar.toAbsolutePath().normalize().toString());
        report.put("parameters", parameters);
        report.put("machine", Map.of("availableProcessors", Runtime.getRuntime().availableProcessors(),
                "java", System.getProperty("java.version"), "os", System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                "memTotalBytes", GatewayLoadTest.memTotal()));

        Map<String, Object> crypto = GatewayLoadTest.crypto();
        report.put("crypto", crypto);
        System.out.println("crypto " + crypto);
        double verifyMicros = (double) crypto.get("es256VerifyMicros");

        GatewayLoadTest.deleteTree(work);
        Path runDir = work.resolve("run-" + System.currentTimeMillis());
        Map<String, Object> setup = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        try (GatewayProcess gateway = GatewayProcess.start(jar, runDir, s.jvmOptions, Duration.ofMinutes(3))) {
            setup.put("runDirectory", runDir.toAbsolutePath().normalize().toString());
            setup.put("gatewayStartSeconds", GatewayLoadTest.round((System.nanoTime() - t0) / 1e9));
            setup.put("gatewayPid", gateway.pid());
            long postmaster = gateway.postmasterPid().orElseThrow(() -> new IllegalStateException("no postmaster.pid"));
            long broker = gateway.brokerPid().orElseThrow(() -> new IllegalStateException("no broker process"));
            setup.put("postmasterPid", postmaster);
            setup.put("brokerPid", broker);
            int coapPort = gateway.coapPort();
            setup.put("coapPort", coapPort);
            setup.put("gatewayRssAfterStartBytes", Proc.statusBytes(gateway.pid(), "VmRSS"));

            long r0 = System.nanoTime();
            gateway.post("/api/v1/tenants", Map.of("id", TENANT, "name", "CoAP load test"), 201);
            VerificationKey ackKey = gateway.ackKey();
            Device[] devices = new Device[s.devices];
            for (int i = 0; i < s.devices; i++) {
                String id = String.format("coap-load-%03d", i);
                Path home = runDir.resolve("devices").resolve(id);
                Files.createDirectories(home);
                SigningKey key = KeyFiles.generate(home.resolve("device-key.p8"), SignatureAlgorithm.ES256);
                gateway.post("/api/v1/tenants/" + TENANT + "/devices", Map.of("deviceId", id,
                        "publicKey", Base64.getEncoder().encodeToString(key.verificationKey().spki())), 201);
                devices[i] = new Device(i, id, key, config(id, home, coapPort, gateway.coapServerCertificate(), ackKey));
            }
            setup.put("registerSeconds", GatewayLoadTest.round((System.nanoTime() - r0) / 1e9));
            setup.put("ackKeyKid", ackKey.kidHex());

            // the whole corpus is signed before anything is measured
            long c0 = System.nanoTime();
            String[] ids = Arrays.stream(devices).map(d -> d.id).toArray(String[]::new);
            SigningKey[] keys = Arrays.stream(devices).map(d -> d.key).toArray(SigningKey[]::new);
            // each corpus its own window of reading times, one after the other, all ending 30 s before now: the store
            // refuses a second reading of a device and quantity at a time already taken (DUPLICATE_READING_TIME)
            SigningKey[] noPostQuantum = new SigningKey[ids.length];
            long firstReadingTime = System.currentTimeMillis() - 30_000L - s.warmupMessages - s.pack1 - 10L * s.warmupPack10Messages
                    - 10L * s.pack10;
            Corpus warmup = Corpus.sign(ids, keys, noPostQuantum, 1, 1, s.warmupMessages, firstReadingTime);
            firstReadingTime += s.warmupMessages;
            Corpus pack1 = Corpus.sign(ids, keys, noPostQuantum, 2, 1, s.pack1, firstReadingTime);
            firstReadingTime += s.pack1;
            Corpus warmupPack10 = s.warmupPack10Messages > 0
                    ? Corpus.sign(ids, keys, noPostQuantum, 4, 10, s.warmupPack10Messages, firstReadingTime) : null;
            firstReadingTime += 10L * s.warmupPack10Messages;
            Corpus pack10 = Corpus.sign(ids, keys, noPostQuantum, 3, 10, s.pack10, firstReadingTime);
            setup.put("corpusSigningSeconds", GatewayLoadTest.round((System.nanoTime() - c0) / 1e9));
            setup.put("corpusMessages", (long) s.devices * (s.warmupMessages + s.pack1 + s.warmupPack10Messages + s.pack10));
            setup.put("pack1MessageBytes", pack1.messages()[0][0].length);
            setup.put("pack10MessageBytes", pack10.messages()[0][0].length);

            Accounting accounting = new Accounting(gateway.pid(), postmaster, broker, ProcessHandle.current().pid());
            report.put("hostSocketLimits", UdpDrops.limits());
            Map<String, Long> udpAtStart = UdpDrops.snmp();
            long socketDropsAtStart = UdpDrops.socketDrops(coapPort).orElse(-1);
            try (Generator generator = new Generator(devices, ackKey, s)) {
                setup.put("handshakes", generator.handshakes());
                report.put("setup", setup);
                System.out.println("setup " + setup);
                Map<String, Object> w = udp(coapPort, () -> generator.run("warmup", warmup, s.warmup, accounting, verifyMicros));
                System.out.println("warmup " + GatewayLoadTest.compact(w));
                List<Map<String, Object>> phases = new ArrayList<>();
                Map<String, Object> warmPack10 = null;
                for (Corpus c : List.of(pack1, pack10)) {
                    if (c == pack10 && warmupPack10 != null && !s.warmupPack10.isZero()) {
                        // packs of 10 take other branches than packs of 1: the JIT compiles again (ADR 056)
                        Map<String, Object> wp = udp(coapPort, () -> generator.run("warmupPack10", warmupPack10, s.warmupPack10, accounting,
                                verifyMicros));
                        System.out.println("warmupPack10 " + GatewayLoadTest.compact(wp));
                        warmPack10 = wp;
                    }
                    Map<String, Object> r = udp(coapPort, () -> generator.run("pack" + c.packSize(), c, s.phase, accounting, verifyMicros));
                    System.out.println("phase " + GatewayLoadTest.compact(r));
                    System.out.println("udp " + r.get("udp"));
                    phases.add(r);
                }
                Map<String, Object> udpRun = new LinkedHashMap<>();
                udpRun.put("machineUdpBefore", udpAtStart);
                udpRun.put("machineUdpAfter", UdpDrops.snmp());
                udpRun.put("machineUdpDelta", UdpDrops.delta(udpAtStart, UdpDrops.snmp()));
                udpRun.put("gatewaySocketDrops", socketDropsAtStart < 0 ? "n/a"
                        : UdpDrops.socketDrops(coapPort).orElse(socketDropsAtStart) - socketDropsAtStart);
                udpRun.put("note", "from the gateway's start to the end of the last phase; machine counters are /proc/net/snmp Udp"
                        + " (all UDP traffic of the machine), gatewaySocketDrops the drops column of the gateway's socket in /proc/net/udp[6]");
                report.put("udp", udpRun);
                report.put("warmup", warmupSummary(w));
                if (warmPack10 != null) {
                    report.put("warmupPack10", warmupSummary(warmPack10));
                }
                report.put("phases", phases);
                report.put("gatewayMetrics", GatewayLoadTest.metrics(gateway, List.of("sensorproof_ingest", "sensorproof_coap")));
                report.put("limitingResource", GatewayLoadTest.reading(phases, "batch commit, DTLS record handling, response sending"));
            }
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        JSON.writeValue(out.toFile(), report);
        System.out.println(JSON.writeValueAsString(report));
        System.out.println("results written to " + out.toAbsolutePath());
        System.exit(0);
    }

    /** A phase whose result gains the datagrams the kernel dropped meanwhile (machine-wide and on the gateway's socket). */
    interface PhaseRun {
        Map<String, Object> run() throws InterruptedException;
    }

    static Map<String, Object> udp(int coapPort, PhaseRun phase) throws InterruptedException {
        Map<String, Long> before = UdpDrops.snmp();
        long socketBefore = UdpDrops.socketDrops(coapPort).orElse(-1);
        Map<String, Object> r = phase.run();
        Map<String, Long> delta = UdpDrops.delta(before, UdpDrops.snmp());
        Map<String, Object> u = new LinkedHashMap<>();
        u.put("machineRcvbufErrors", delta.getOrDefault("RcvbufErrors", -1L));
        u.put("machineInErrors", delta.getOrDefault("InErrors", -1L));
        u.put("machineInDatagrams", delta.getOrDefault("InDatagrams", -1L));
        u.put("gatewaySocketDrops", socketBefore < 0 ? -1 : UdpDrops.socketDrops(coapPort).orElse(socketBefore) - socketBefore);
        r.put("udp", u);
        return r;
    }

    /** What the report keeps of a warm-up phase. */
    private static Map<String, Object> warmupSummary(Map<String, Object> w) {
        Map<String, Object> warm = new LinkedHashMap<>();
        for (String k : List.of("acknowledged", "accepted", "seconds", "acceptedMessagesPerSecond", "responses", "errors", "coresBusy",
                "gatewayBusiestThreadsCores", "udp")) {
            warm.put(k, w.get(k));
        }
        return warm;
    }

    /**
     * Run settings. {@code warmupPack10} / {@code warmupPack10Messages}: packs of 10 run right before the pack-10 phase
     * (off when either is 0).
     */
    record Settings(int devices, int window, Duration warmup, Duration phase, int warmupMessages, int pack1, int pack10,
            Duration warmupPack10, int warmupPack10Messages,
            Duration drainTimeout, int generatorThreads, List<String> jvmOptions) {
        /** Refuses what the run cannot do, before a gateway is started. */
        Settings {
            GatewayLoadTest.require(devices >= 1, "--devices must be at least 1, was " + devices);
            GatewayLoadTest.require(window >= 1, "--window must be at least 1, was " + window);
            GatewayLoadTest.require(!phase.isNegative() && !phase.isZero(), "--seconds must be at least 1, was " + phase.toSeconds());
            GatewayLoadTest.require(!warmup.isNegative() && !warmupPack10.isNegative() && !drainTimeout.isNegative(),
                    "--warmup-seconds, --warmup-pack10-seconds and --drain-timeout-seconds must not be negative");
            GatewayLoadTest.require(pack1 >= 1 && pack10 >= 1, "--pack1-messages and --pack10-messages must be at least 1, were "
                    + pack1 + " and " + pack10);
            GatewayLoadTest.require(warmupMessages >= 0 && warmupPack10Messages >= 0,
                    "--warmup-messages and --warmup-pack10-messages must not be negative");
            GatewayLoadTest.require(generatorThreads >= 1, "--generator-threads must be at least 1, was " + generatorThreads);
        }
    }

    /** A device's agent configuration: raw public key DTLS with its signing key, the gateway's certificate trusted. */
    private static AgentConfig config(String id, Path home, int port, Path serverCertificate, VerificationKey ackKey) {
        Properties p = new Properties();
        p.setProperty("tenant", TENANT);
        p.setProperty("device", id);
        p.setProperty("data.dir", home.toString());
        p.setProperty("gateway.ack-key", Base64.getEncoder().encodeToString(ackKey.spki()));
        p.setProperty("transport", "coap");
        p.setProperty("coap.uri", "coaps://127.0.0.1:" + port);
        p.setProperty("coap.dtls.mode", "rpk");
        p.setProperty("coap.dtls.trust-file", serverCertificate.toString());
        return AgentConfig.resolve(p, Map.of());
    }

    // ------------------------------------------------------------------ the generator

    /** A registered device with its DTLS session; per-phase state is guarded by the instance. */
    static final class Device {
        final int index;
        final String id;
        final SigningKey key;
        final AgentConfig config;
        final String upUri;
        CoapEndpoint endpoint;
        CoapClient client;
        // per phase
        byte[][] messages;
        long[] sentNanos;
        int next;

        Device(int index, String id, SigningKey key, AgentConfig config) {
            this.index = index;
            this.id = id;
            this.key = key;
            this.config = config;
            this.upUri = config.coap().uri() + "/" + Topics.up(TENANT, id);
        }
    }

    /** One phase: its corpus, the latency of each of its messages (-1: none), its requests in flight. */
    record Phase(Corpus corpus, long[] latencies, AtomicInteger outstanding) {
    }

    /** Drives phases over one DTLS session per device; Californium's and Scandium's threads are shared. */
    static final class Generator implements AutoCloseable {
        final Device[] devices;
        final VerificationKey ackKey;
        final Settings settings;
        final ScheduledExecutorService coapMain;
        final ScheduledExecutorService coapSecondary;
        final ExecutorService dtls;
        final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "coap-load-retry"));
        // per phase
        volatile Phase phase;
        volatile boolean issuing;
        volatile CountDownLatch exhausted;
        final AtomicLong strayAnswers = new AtomicLong();
        final AtomicLong accepted = new AtomicLong();
        final AtomicLong answered = new AtomicLong();
        final AtomicLong badAcks = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final AtomicLong retransmissions = new AtomicLong();
        final AtomicLong resent = new AtomicLong();
        final Map<String, AtomicLong> responses = new ConcurrentHashMap<>();
        final Map<String, AtomicLong> rejections = new ConcurrentHashMap<>();

        Generator(Device[] devices, VerificationKey ackKey, Settings settings) throws Exception {
            this.devices = devices;
            this.ackKey = ackKey;
            this.settings = settings;
            AtomicInteger n = new AtomicInteger();
            this.coapMain = Executors.newScheduledThreadPool(settings.generatorThreads, r -> daemon(r, "coap-load-" + n.incrementAndGet()));
            this.coapSecondary = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "coap-load-timer"));
            this.dtls = Executors.newFixedThreadPool(settings.generatorThreads, r -> daemon(r, "coap-load-dtls-" + n.incrementAndGet()));
            for (Device d : devices) {
                d.endpoint = CoapTransport.endpoint(d.config);
                if (d.endpoint.getConnector() instanceof DTLSConnector connector) {
                    connector.setExecutor(dtls);
                }
                d.endpoint.setExecutors(coapMain, coapSecondary);
                d.endpoint.start();
                d.client = new CoapClient();
                d.client.setEndpoint(d.endpoint);
            }
        }

        private static Thread daemon(Runnable r, String name) {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        }

        /** One DTLS handshake per device (a CoAP ping), one after the other, timed. */
        Map<String, Object> handshakes() {
            long[] nanos = new long[devices.length];
            long t0 = System.nanoTime();
            for (Device d : devices) {
                long h0 = System.nanoTime();
                d.client.setURI(d.config.coap().uri());
                if (!d.client.ping(15_000)) {
                    throw new IllegalStateException("DTLS handshake of " + d.id + " failed; see the gateway log");
                }
                nanos[d.index] = System.nanoTime() - h0;
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            Arrays.sort(nanos);
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("sessions", devices.length);
            h.put("seconds", GatewayLoadTest.round2(seconds));
            h.put("handshakeMillis", GatewayLoadTest.latencyMillis(nanos));
            h.put("note", "sequential: a DTLS 1.2 full handshake with ECDHE and ECDSA on both sides plus one CoAP ping each");
            return h;
        }

        Map<String, Object> run(String name, Corpus c, Duration duration, Accounting accounting, double verifyMicros)
                throws InterruptedException {
            int perDevice = c.messages()[0].length;
            Phase current = new Phase(c, new long[perDevice * devices.length], new AtomicInteger());
            Arrays.fill(current.latencies(), -1);
            for (AtomicLong x : List.of(accepted, answered, badAcks, errors, retransmissions, resent)) {
                x.set(0);
            }
            responses.clear();
            rejections.clear();
            for (Device d : devices) {
                synchronized (d) {
                    d.messages = c.messages()[d.index];
                    d.sentNanos = new long[perDevice];
                    d.next = 0;
                }
            }
            phase = current;
            exhausted = new CountDownLatch(1);
            CpuWindow cpu = CpuWindow.start(accounting);
            long start = System.nanoTime();
            issuing = true;
            // the initial windows, interleaved across devices
            for (int k = 0; k < settings.window; k++) {
                for (Device d : devices) {
                    issue(d, current);
                }
            }
            boolean corpusUsedUp = exhausted.await(duration.toMillis(), TimeUnit.MILLISECONDS);
            issuing = false;
            long end = System.nanoTime();
            cpu.stop();
            long acceptedInWindow = accepted.get();
            long answeredInWindow = answered.get();
            long drainDeadline = System.nanoTime() + settings.drainTimeout.toNanos();
            while (current.outstanding().get() > 0 && System.nanoTime() < drainDeadline) {
                Thread.sleep(10);
            }
            int stillOutstanding = current.outstanding().get();
            phase = null;

            double seconds = (end - start) / 1e9;
            long sent = Arrays.stream(devices).mapToLong(d -> {
                synchronized (d) {
                    return d.next;
                }
            }).sum();
            long[] lat = Arrays.stream(current.latencies()).filter(x -> x >= 0).sorted().toArray();
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("phase", name);
            r.put("packSize", c.packSize());
            r.put("endedBy", corpusUsedUp ? "a device used its whole corpus" : "duration");
            r.put("seconds", GatewayLoadTest.round(seconds));
            r.put("messagesSent", sent);
            r.put("acknowledged", answered.get());
            r.put("accepted", accepted.get());
            r.put("acceptedInWindow", acceptedInWindow);
            r.put("acceptedMessagesPerSecond", GatewayLoadTest.round(acceptedInWindow / seconds));
            r.put("acceptedReadingsPerSecond", GatewayLoadTest.round(acceptedInWindow * c.packSize() / seconds));
            r.put("answeredPerSecond", GatewayLoadTest.round(answeredInWindow / seconds));
            r.put("responses", counts(responses));
            r.put("rejected", counts(rejections));
            r.put("serviceUnavailable503", responses.getOrDefault("5.03", new AtomicLong()).get());
            r.put("resentAfterMaxAge", resent.get());
            r.put("badAcks", badAcks.get());
            r.put("errors", errors.get());
            r.put("coapRetransmissions", retransmissions.get());
            r.put("outstandingAfterDrain", stillOutstanding);
            r.put("strayAnswersOfEarlierPhases", strayAnswers.getAndSet(0));
            r.put("latencyMillis", GatewayLoadTest.latencyMillis(lat));
            r.put("latencyNote", "request sent -> signed acknowledgement of that message verified, every answered request of the phase");
            cpu.report(r, seconds, answeredInWindow, verifyMicros);
            return r;
        }

        private static Map<String, Long> counts(Map<String, AtomicLong> m) {
            Map<String, Long> out = new TreeMap<>();
            m.forEach((k, v) -> out.put(k, v.get()));
            return out;
        }

        /** Posts the device's next message, unless the phase stopped issuing or its corpus is used up. */
        private void issue(Device d, Phase p) {
            int index;
            synchronized (d) {
                if (!issuing || phase != p) {
                    return;
                }
                if (d.next >= d.messages.length) {
                    exhausted.countDown();
                    return;
                }
                index = d.next++;
                d.sentNanos[index] = System.nanoTime();
            }
            p.outstanding().incrementAndGet();
            post(d, index, p);
        }

        private void post(Device d, int index, Phase p) {
            Request request = Request.newPost();
            request.setURI(d.upUri);
            request.setPayload(p.corpus().messages()[d.index][index]);
            request.getOptions().setContentFormat(COSE_SIGN1);
            request.addMessageObserver(new MessageObserverAdapter() {
                @Override
                public void onRetransmission() {
                    retransmissions.incrementAndGet();
                }
            });
            d.client.advanced(new CoapHandler() {
                @Override
                public void onLoad(CoapResponse response) {
                    answered(d, index, p, response);
                }

                @Override
                public void onError() {
                    if (phase == p) {
                        errors.incrementAndGet();
                    }
                    done(d, p);
                }
            }, request);
        }

        private void answered(Device d, int index, Phase p, CoapResponse response) {
            if (phase != p) {
                // an answer to a request of an earlier phase (answered after its drain timed out)
                strayAnswers.incrementAndGet();
                done(d, p);
                return;
            }
            Corpus c = p.corpus();
            ResponseCode code = response.getCode();
            String label = code.codeClass + "." + String.format("%02d", code.codeDetail);
            responses.computeIfAbsent(label, k -> new AtomicLong()).incrementAndGet();
            if (code == ResponseCode.SERVICE_UNAVAILABLE) {
                // as the agent does: hold this message for Max-Age, then post it again
                long maxAge = response.getOptions().hasMaxAge() ? response.getOptions().getMaxAge() : 60;
                retries.schedule(() -> {
                    resent.incrementAndGet();
                    post(d, index, p);
                }, maxAge, TimeUnit.SECONDS);
                return;
            }
            long seq = index + 1L;
            int perDevice = c.messages()[0].length;
            byte[] payload = response.getPayload();
            boolean signed = response.getOptions().getContentFormat() == COSE_SIGN1 && payload != null && payload.length > 0;
            if (signed) {
                Acknowledgement ack;
                try {
                    ack = AcknowledgementCodec.verify(payload, ackKey);
                } catch (RuntimeException e) {
                    ack = null;
                }
                long now = System.nanoTime();
                if (ack == null || !ack.deviceId().equals(d.id)) {
                    badAcks.incrementAndGet();
                } else if (code == ResponseCode.CHANGED && ack.isStored(c.boot(), seq)) {
                    p.latencies()[d.index * perDevice + index] = now - d.sentNanos[index];
                    answered.incrementAndGet();
                    accepted.incrementAndGet();
                } else if (ack.rejection(c.boot(), seq).isPresent()) {
                    p.latencies()[d.index * perDevice + index] = now - d.sentNanos[index];
                    answered.incrementAndGet();
                    rejections.computeIfAbsent(ack.rejection(c.boot(), seq).get().code(), k -> new AtomicLong()).incrementAndGet();
                } else {
                    badAcks.incrementAndGet();
                }
            } else {
                String text = payload == null ? "" : new String(payload, StandardCharsets.UTF_8);
                int colon = text.indexOf(':');
                rejections.computeIfAbsent(label + " " + (colon > 0 ? text.substring(0, colon) : "unsigned"), k -> new AtomicLong())
                        .incrementAndGet();
            }
            done(d, p);
        }

        private void done(Device d, Phase p) {
            p.outstanding().decrementAndGet();
            issue(d, p);
        }

        @Override
        public void close() {
            issuing = false;
            for (Device d : devices) {
                if (d.client != null) {
                    d.client.shutdown();
                }
                if (d.endpoint != null) {
                    d.endpoint.destroy();
                }
            }
            retries.shutdownNow();
            coapMain.shutdownNow();
            coapSecondary.shutdownNow();
            dtls.shutdownNow();
        }
    }
}
