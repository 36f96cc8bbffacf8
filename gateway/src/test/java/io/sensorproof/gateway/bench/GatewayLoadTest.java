package io.sensorproof.gateway.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sensorproof.protocol.net.NoDelaySocketFactory;
import io.sensorproof.protocol.ack.Acknowledgement;
import io.sensorproof.protocol.ack.AcknowledgementCodec;
import io.sensorproof.protocol.ack.BootAck;
import io.sensorproof.protocol.ack.Rejection;
import io.sensorproof.protocol.ack.SeqRange;
import io.sensorproof.protocol.cbor.CborLimits;
import io.sensorproof.protocol.cbor.StrictCbor;
import io.sensorproof.protocol.cose.CoseSign;
import io.sensorproof.protocol.cose.CoseSign1;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.Signatures;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.cose.VerificationKey;
import io.sensorproof.protocol.ids.Topics;
import io.sensorproof.protocol.message.ReadingMessages;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import io.sensorproof.protocol.senml.ReadingPack;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * Load test of the packaged gateway in standalone mode (issue 4); writes its parameters and
 * results as JSON.
 *
 * <ol>
 *   <li>ES256 verify (and sign) time of BouncyCastle in this JVM, one thread, after a warm-up:
 *       the yardstick for the gateway's CPU per message;
 *   <li>the gateway ({@code quarkus-run.jar}) started as a child process with a fresh data
 *       directory under {@code target/} and free ports; a tenant and N ES256 devices registered
 *       through the API; the acknowledgement key read from the API;
 *   <li>a corpus per device signed before anything is measured: a warm-up of packs of 1, the measured
 *       phase of packs of 1, a warm-up of packs of 10 ({@code --warmup-pack10-messages}; the JIT recompiles
 *       when the pack size changes, so each measured phase follows a warm-up of its own kind) and the measured
 *       phase of packs of 10, each phase its own boot with seq 1, 2, 3, …, device and reading times near now;
 *   <li>per phase: several Paho v5 connections (TCP_NODELAY) publish at QoS 1 with at most
 *       {@code window} unacknowledged messages per device (or paced at {@code rate} messages/s),
 *       each device's ack topic subscribed on its connection; every acknowledgement is verified
 *       with {@link AcknowledgementCodec} and the publish → verified-ack latency recorded;
 *   <li>CPU time ({@code /proc/<pid>/stat}) of the gateway JVM, of PostgreSQL (postmaster and
 *       backends), of the broker process and of this generator, per phase; the gateway's RSS.
 * </ol>
 *
 * <p>Run: {@code mvn -B -pl gateway -am -Pbench verify -DskipTests} writes
 * {@code gateway/target/gateway-load.json}, and a second row with ML-DSA devices
 * {@code gateway/target/gateway-load-ml-dsa.json}.
 *
 * <p>{@code --alg} chooses the devices' signature: {@code ES256} (default), {@code EdDSA},
 * {@code ML-DSA-44}, {@code ML-DSA-65}, or a hybrid pair {@code ES256+ML-DSA-65} (registered with both
 * keys, every message a COSE_Sign with two signatures, ADR 029). The same run also measures that
 * algorithm's verify time per message ({@code crypto.deviceAlgVerifyMicros}, both signatures for a
 * hybrid) as the yardstick of {@code gatewayCpuPerMessageOverDeviceAlgVerify}.
 */
public final class GatewayLoadTest {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String TENANT = "bench";

    private GatewayLoadTest() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Settings s = orExit("GatewayLoadTest", () -> new Settings(
                Integer.parseInt(a.getOrDefault("devices", "50")),
                Integer.parseInt(a.getOrDefault("connections", "4")),
                Integer.parseInt(a.getOrDefault("window", "8")),
                Double.parseDouble(a.getOrDefault("rate", "0")),
                Integer.parseInt(a.getOrDefault("warmup-messages", "200")),
                Integer.parseInt(a.getOrDefault("warmup-pack10-messages", "0")),
                Integer.parseInt(a.getOrDefault("pack1-messages", "400")),
                Integer.parseInt(a.getOrDefault("pack10-messages", "200")),
                Duration.ofSeconds(Long.parseLong(a.getOrDefault("phase-timeout-seconds", "120"))),
                a.getOrDefault("gateway-jvm-options", "").isBlank() ? List.of()
                        : List.of(a.get("gateway-jvm-options").trim().split("\\s+"))));
        // opt-in: a JDK Flight Recorder recording of the gateway over these phases (jcmd), summarised in the results
        List<String> jfrPhases = a.getOrDefault("jfr-phases", "").isBlank() ? List.of()
                : List.of(a.get("jfr-phases").trim().split("\\s*,\\s*"));
        Path jar = Path.of(a.getOrDefault("gateway-jar", "target/quarkus-app/quarkus-run.jar"));
        Path work = Path.of(a.getOrDefault("work", "target/gateway-load"));
        Path out = Path.of(a.getOrDefault("out", "target/gateway-load.json"));
        DeviceAlgorithm deviceAlg = DeviceAlgorithm.parse(a.getOrDefault("alg", "ES256"));

        Map<String, Object> report = new LinkedHashMap<>();
        // what ran: the profile runs this class with the arguments below; a direct run gives its own
        report.put("command", "java -cp <gateway test classpath> io.sensorproof.gateway.bench.GatewayLoadTest " + String.join(" ", args));
        report.put("profileCommand", "mvn -B -pl gateway -am -Pbench verify -DskipTests");
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("devices", s.devices);
        parameters.put("connections", s.connections);
        parameters.put("windowPerDevice", s.window);
        parameters.put("rateMessagesPerSecond", s.rate > 0 ? s.rate : "as fast as acknowledged (closed loop)");
        parameters.put("warmupMessagesPerDevice", s.warmup);
        parameters.put("warmupPack10MessagesPerDevice", s.warmupPack10);
        parameters.put("pack1MessagesPerDevice", s.pack1);
        parameters.put("pack10MessagesPerDevice", s.pack10);
        parameters.put("algorithm", deviceAlg.label());
        parameters.put("qos", 1);
        parameters.put("tcpNoDelay", true);
        parameters.put("gatewayJvmOptions", String.join(" ", s.jvmOptions));
        parameters.put("jfrPhases", jfrPhases);
        parameters.put("gatewayJar", jar.toAbsolutePath().normalize().toString());
        report.put("parameters", parameters);
        report.put("machine", Map.of("availableProcessors", Runtime.getRuntime().availableProcessors(),
                "java", System.getProperty("java.version"), "os", System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                "memTotalBytes", memTotal()));

        Map<String, Object> crypto = crypto();
        report.put("crypto", crypto);
        System.out.println("crypto " + crypto);
        double verifyMicros = (double) crypto.get("es256VerifyMicros");
        crypto.putAll(deviceAlg.crypto());
        System.out.println("crypto " + deviceAlg.label() + " " + crypto);
        double deviceAlgVerifyMicros = (double) crypto.get("deviceAlgVerifyMicros");

        deleteTree(work);
        Path runDir = work.resolve("run-" + System.currentTimeMillis());
        Map<String, Object> setup = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        try (GatewayProcess gateway = GatewayProcess.start(jar, runDir, s.jvmOptions, Duration.ofMinutes(3))) {
            setup.put("runDirectory", runDir.toAbsolutePath().normalize().toString());
            setup.put("gatewayStartSeconds", round((System.nanoTime() - t0) / 1e9));
            setup.put("gatewayPid", gateway.pid());
            long postmaster = gateway.postmasterPid().orElseThrow(() -> new IllegalStateException("no postmaster.pid"));
            long broker = gateway.brokerPid().orElseThrow(() -> new IllegalStateException("no broker process"));
            setup.put("postmasterPid", postmaster);
            setup.put("brokerPid", broker);
            setup.put("gatewayRssAfterStartBytes", Proc.statusBytes(gateway.pid(), "VmRSS"));

            long r0 = System.nanoTime();
            gateway.post("/api/v1/tenants", Map.of("id", TENANT, "name", "Load test"), 201);
            Device[] devices = new Device[s.devices];
            SecureRandom random = new SecureRandom();
            for (int i = 0; i < s.devices; i++) {
                devices[i] = new Device(i, String.format("load-%03d", i), Keys.generate(deviceAlg.key(), random),
                        deviceAlg.postQuantum() == null ? null : Keys.generate(deviceAlg.postQuantum(), random));
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("deviceId", devices[i].id);
                body.put("publicKey", java.util.Base64.getEncoder().encodeToString(devices[i].key.verificationKey().spki()));
                if (devices[i].postQuantumKey != null) {
                    body.put("postQuantumPublicKey", java.util.Base64.getEncoder().encodeToString(devices[i].postQuantumKey.verificationKey().spki()));
                }
                gateway.post("/api/v1/tenants/" + TENANT + "/devices", body, 201);
            }
            VerificationKey ackKey = gateway.ackKey();
            setup.put("registerSeconds", round((System.nanoTime() - r0) / 1e9));
            setup.put("ackKeyKid", ackKey.kidHex());

            // the whole corpus is signed before anything is measured
            long c0 = System.nanoTime();
            // each corpus its own window of reading times, one after the other, all ending 30 s before now: the store
            // refuses a second reading of a device and quantity at a time already taken (DUPLICATE_READING_TIME), and
            // corpora signed within a few seconds of each other would otherwise overlap
            long firstReadingTime = System.currentTimeMillis() - 30_000L - s.warmup - s.pack1 - 10L * s.warmupPack10 - 10L * s.pack10;
            Corpus warmup = Corpus.sign(devices, 1, 1, s.warmup, firstReadingTime);
            firstReadingTime += s.warmup;
            Corpus pack1 = Corpus.sign(devices, 2, 1, s.pack1, firstReadingTime);
            firstReadingTime += s.pack1;
            Corpus warmupPack10 = s.warmupPack10 > 0 ? Corpus.sign(devices, 3, 10, s.warmupPack10, firstReadingTime) : null;
            firstReadingTime += 10L * s.warmupPack10;
            Corpus pack10 = Corpus.sign(devices, 4, 10, s.pack10, firstReadingTime);
            setup.put("corpusSigningSeconds", round((System.nanoTime() - c0) / 1e9));
            setup.put("corpusMessages", (long) s.devices * (s.warmup + s.warmupPack10 + s.pack1 + s.pack10));
            report.put("setup", setup);
            System.out.println("setup " + setup);

            Accounting accounting = new Accounting(gateway.pid(), postmaster, broker, ProcessHandle.current().pid());
            // what the gateway spends with no message arriving (timers, pollers), to read the phases against
            CpuWindow idle = CpuWindow.start(accounting);
            Thread.sleep(5_000);
            idle.stop();
            Map<String, Object> idleReport = new LinkedHashMap<>();
            idle.report(idleReport, 5.0, 0, verifyMicros);
            report.put("idleBeforeLoad", Map.of("seconds", 5.0, "coresBusy", idleReport.get("coresBusy"),
                    "gatewayBusiestThreadsCores", idleReport.get("gatewayBusiestThreadsCores")));
            // the generator's connections log in as the gateway's broker user on the loopback listener
            // (ADR 019: devices need enrolment certificates on the TLS listener); the gateway's own work
            // per message is the same, the broker's differs by the device listener's TLS
            parameters.put("generatorBrokerLogin", "sensorproof-gateway on the plain loopback listener (not device certificates over TLS)");
            System.setProperty("sensorproof.bench.broker.password", gateway.brokerGatewayPassword());
            try (Generator generator = Generator.connect(gateway.mqttUrl(), devices, ackKey, s)) {
                Map<String, Object> w = generator.run("warmup", warmup, accounting, verifyMicros);
                System.out.println("warmup " + compact(w));
                Map<String, Object> w10 = null;
                List<Map<String, Object>> phases = new ArrayList<>();
                for (Corpus c : List.of(pack1, pack10)) {
                    String phase = "pack" + c.packSize;
                    if (c == pack10 && warmupPack10 != null) {
                        // right before the phase it warms: after the pack-1 phase the JIT recompiles for packs of 10
                        w10 = generator.run("warmup-pack10", warmupPack10, accounting, verifyMicros);
                        System.out.println("warmup-pack10 " + compact(w10));
                    }
                    Map<String, Double> jvm0 = jvmMetrics(gateway);
                    JfrProfile jfr = jfrPhases.contains(phase)
                            ? JfrProfile.start(gateway.pid(), runDir.resolve(phase + ".jfr").toAbsolutePath(), "load-" + phase) : null;
                    Map<String, Object> r = generator.run(phase, c, accounting, verifyMicros);
                    Path recording = jfr == null ? null : jfr.stop();
                    deviceAlg.ratio(r, deviceAlgVerifyMicros);
                    r.put("gatewayJvm", jvmFigures(jvm0, jvmMetrics(gateway), (long) r.get("acknowledged"), s.jvmOptions));
                    if (recording != null) {
                        r.put("jfr", JfrProfile.summarise(recording));
                    }
                    System.out.println("phase " + compact(r));
                    phases.add(r);
                }
                report.put("warmup", warmupSummary(w));
                if (w10 != null) {
                    report.put("warmupPack10", warmupSummary(w10));
                }
                report.put("phases", phases);
                report.put("gatewayMetrics", ingestMetrics(gateway));
                report.put("limitingResource", reading(phases, "broker delivery, commit, ack publishing"));
            }
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        JSON.writeValue(out.toFile(), report);
        System.out.println(JSON.writeValueAsString(report));
        System.out.println("results written to " + out.toAbsolutePath());
        System.exit(0);
    }

    /** What the report keeps of a warm-up phase (not measured, so no CPU or latency figures). */
    private static Map<String, Object> warmupSummary(Map<String, Object> phase) {
        return Map.of("messages", phase.get("messages"), "complete", phase.get("complete"), "seconds", phase.get("seconds"),
                "messagesPerSecond", phase.get("messagesPerSecond"));
    }

    /** Run settings. */
    record Settings(int devices, int connections, int window, double rate, int warmup, int warmupPack10, int pack1, int pack10, Duration phaseTimeout,
            List<String> jvmOptions) {
        /** Refuses what the run cannot do, before a gateway is started. */
        Settings {
            require(devices >= 1, "--devices must be at least 1, was " + devices);
            require(connections >= 1, "--connections must be at least 1, was " + connections);
            require(window >= 1, "--window must be at least 1, was " + window);
            require(rate >= 0 && !Double.isNaN(rate), "--rate must be 0 (as fast as the window allows) or more, was " + rate);
            require(warmup >= 0 && warmupPack10 >= 0, "--warmup-messages and --warmup-pack10-messages must not be negative");
            require(pack1 >= 1 && pack10 >= 1, "--pack1-messages and --pack10-messages must be at least 1, were " + pack1 + " and " + pack10);
            require(!phaseTimeout.isNegative() && !phaseTimeout.isZero(), "--phase-timeout-seconds must be at least 1");
        }
    }

    /** Throws {@link IllegalArgumentException} with {@code message} unless {@code ok}. */
    static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Makes the settings, or prints why they are refused and exits with status 2 (nothing started yet). */
    static <T> T orExit(String tool, java.util.function.Supplier<T> settings) {
        try {
            return settings.get();
        } catch (IllegalArgumentException e) {
            System.err.println(tool + ": " + e.getMessage());
            System.exit(2);
            throw e;
        }
    }

    // ------------------------------------------------------------------ crypto yardstick

    /**
     * BouncyCastle ES256 verify and sign of a pack-of-1 message, one thread, after a warm-up: the yardstick,
     * whatever engine the gateway uses. Beside it, the same with the engine {@link Signatures#verify} and
     * {@link Signatures#signHedged} use in this JVM (the gateway has the same class path; ADR 062).
     */
    static Map<String, Object> crypto() {
        YardstickMessage y = YardstickMessage.INSTANCE;
        SigningKey key = y.key;
        byte[] message = y.message;
        byte[] tbs = y.tbs;
        byte[] signature = y.signature;
        VerificationKey vk = key.verificationKey();
        Runnable bcVerify = () -> require(y.bouncyCastleVerify());
        Runnable engineVerify = () -> require(Signatures.verify(vk, tbs, signature));
        Runnable bcSign = () -> Signatures.sign(key, tbs);
        Runnable engineSign = () -> Signatures.signHedged(key, tbs);
        int warm = 0;
        for (long end = System.nanoTime() + 3_000_000_000L; System.nanoTime() < end || warm < 3000; warm++) {
            bcVerify.run();
            engineVerify.run();
            if (warm % 4 == 0) {
                bcSign.run();
                engineSign.run();
            }
        }
        int n = 4000;
        double[] verifyCpuAndWall = cpuAndWallMicros(bcVerify, n);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("es256VerifyMicros", round(verifyCpuAndWall[0]));
        r.put("es256VerifyWallMicros", round(verifyCpuAndWall[1]));
        r.put("es256SignMicros", round(cpuAndWallMicros(bcSign, n)[0]));
        r.put("es256Engine", Signatures.es256Engine());
        r.put("es256EngineVerifyMicros", round(cpuAndWallMicros(engineVerify, n)[0]));
        r.put("es256EngineSignMicros", round(cpuAndWallMicros(engineSign, n)[0]));
        r.put("warmupIterations", warm);
        r.put("iterations", n);
        r.put("messageBytes", message.length);
        r.put("note", "thread CPU time per operation on one core, measured in this JVM before the gateway starts: es256Verify/Sign"
                + " with BouncyCastle's lightweight API (Signatures.bouncyCastleVerify, Signatures.sign: the yardstick),"
                + " es256EngineVerify/Sign with es256Engine (Signatures.verify, Signatures.signHedged), which the gateway uses"
                + " unless its JVM options say -Dsensorproof.es256=bouncycastle (gatewayMetrics sensorproof_ingest_es256_native)");
        return r;
    }

    /**
     * The message and key of the yardstick: one ES256 pack of 1, signed once per JVM. {@link CpuWindow} samples the same
     * verify during every phase ({@link VerifySampler}).
     */
    static final class YardstickMessage {
        static final YardstickMessage INSTANCE = new YardstickMessage();

        final SigningKey key = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
        final byte[] message = ReadingMessages.sign(new ReadingPack("load-000", List.of(new Reading(Quantity.TEMPERATURE, 4.5,
                System.currentTimeMillis()))), 1, 1, System.currentTimeMillis(), key);
        final byte[] tbs;
        final byte[] signature;
        private final VerificationKey vk = key.verificationKey();

        private YardstickMessage() {
            CoseSign1 cose = CoseSign1.decode(message, CborLimits.MESSAGE);
            tbs = cose.toBeSigned();
            signature = cose.signature();
        }

        /** One BouncyCastle verify of the message: the yardstick operation. */
        boolean bouncyCastleVerify() {
            return Signatures.bouncyCastleVerify(vk, tbs, signature);
        }
    }

    private static void require(boolean verified) {
        if (!verified) {
            throw new IllegalStateException("verify failed");
        }
    }

    /** Thread CPU and wall time per run of {@code op}, in microseconds, over {@code n} runs. */
    private static double[] cpuAndWallMicros(Runnable op, int n) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpu0 = threads.getCurrentThreadCpuTime();
        long w0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            op.run();
        }
        return new double[] {(threads.getCurrentThreadCpuTime() - cpu0) / 1e3 / n, (System.nanoTime() - w0) / 1e3 / n};
    }

    // ------------------------------------------------------------------ device algorithm (--alg)

    /**
     * The devices' signature: one key ({@code key}), or a hybrid pair (an ES256 or EdDSA {@code key} and an
     * ML-DSA {@code postQuantum} key).
     */
    record DeviceAlgorithm(SignatureAlgorithm key, SignatureAlgorithm postQuantum) {
        static DeviceAlgorithm parse(String label) {
            String[] parts = label.split("\\+");
            if (parts.length > 2) {
                throw new IllegalArgumentException("--alg takes one algorithm or a classical+ML-DSA pair, not " + label);
            }
            SignatureAlgorithm key = SignatureAlgorithm.fromLabel(parts[0]);
            SignatureAlgorithm postQuantum = parts.length == 2 ? SignatureAlgorithm.fromLabel(parts[1]) : null;
            if (postQuantum != null && (!ReadingMessages.HYBRID_CLASSICAL.contains(key) || !postQuantum.isPostQuantum())) {
                throw new IllegalArgumentException("a hybrid --alg is ES256 or EdDSA, then ML-DSA-44 or ML-DSA-65, not " + label);
            }
            return new DeviceAlgorithm(key, postQuantum);
        }

        String label() {
            return postQuantum == null ? key.label() : key.label() + "+" + postQuantum.label();
        }

        byte[] sign(ReadingPack pack, long boot, long seq, long time, SigningKey k, SigningKey pq) {
            return pq == null ? ReadingMessages.sign(pack, boot, seq, time, k) : ReadingMessages.signHybrid(pack, boot, seq, time, k, pq);
        }

        /**
         * Verify (and sign) CPU time of this algorithm on a pack-of-1 message, one thread, after a warm-up (as {@link #crypto()}),
         * with the engine the gateway uses ({@link Signatures#verify}: native for ES256 when it loaded, ADR 062).
         */
        Map<String, Object> crypto() {
            SecureRandom random = new SecureRandom();
            SigningKey k = Keys.generate(key, random);
            SigningKey pq = postQuantum == null ? null : Keys.generate(postQuantum, random);
            ReadingPack pack = new ReadingPack("load-000", List.of(new Reading(Quantity.TEMPERATURE, 4.5, System.currentTimeMillis())));
            byte[] message = sign(pack, 1, 1, System.currentTimeMillis(), k, pq);
            byte[][] tbs;
            byte[][] signatures;
            VerificationKey[] keys;
            SigningKey[] signers;
            if (pq == null) {
                CoseSign1 cose = CoseSign1.decode(message, CborLimits.MESSAGE);
                tbs = new byte[][] {cose.toBeSigned()};
                signatures = new byte[][] {cose.signature()};
                keys = new VerificationKey[] {k.verificationKey()};
                signers = new SigningKey[] {k};
            } else {
                CoseSign cose = CoseSign.fromItem(StrictCbor.decode(message, CborLimits.MESSAGE));
                tbs = new byte[][] {cose.toBeSigned(0), cose.toBeSigned(1)};
                signatures = new byte[][] {cose.signatures().get(0).signature(), cose.signatures().get(1).signature()};
                keys = new VerificationKey[] {k.verificationKey(), pq.verificationKey()};
                signers = new SigningKey[] {k, pq};
            }
            Runnable verify = () -> {
                for (int j = 0; j < keys.length; j++) {
                    if (!Signatures.verify(keys[j], tbs[j], signatures[j])) {
                        throw new IllegalStateException("verify failed");
                    }
                }
            };
            Runnable signAll = () -> {
                for (int j = 0; j < signers.length; j++) {
                    Signatures.sign(signers[j], tbs[j]);
                }
            };
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            int warm = 0;
            for (long end = System.nanoTime() + 3_000_000_000L; System.nanoTime() < end || warm < 1000; warm++) {
                verify.run();
                if (warm % 4 == 0) {
                    signAll.run();
                }
            }
            int n = 2000;
            long cpu0 = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                verify.run();
            }
            double verifyCpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e3 / n;
            cpu0 = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                signAll.run();
            }
            double signCpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e3 / n;
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("deviceAlgorithm", label());
            r.put("deviceAlgVerifyMicros", round(verifyCpu));
            r.put("deviceAlgSignMicros", round(signCpu));
            r.put("deviceAlgMessageBytes", message.length);
            r.put("deviceAlgNote", "thread CPU time per message on one core (both signatures of a hybrid message), measured like"
                    + " es256VerifyMicros but with Signatures.verify, the gateway's engine (" + Signatures.es256Engine() + " for ES256)");
            return r;
        }

        /** Adds the gateway's CPU per message over this algorithm's verify time to a phase's results. */
        void ratio(Map<String, Object> phase, double verifyMicros) {
            if (phase.get("cpuMicrosPerMessage") instanceof Map<?, ?> perMessage && perMessage.get("gateway") instanceof Number gateway) {
                phase.put("gatewayCpuPerMessageOverDeviceAlgVerify", round2(gateway.doubleValue() / verifyMicros));
            }
        }
    }

    // ------------------------------------------------------------------ devices and corpus

    /** A registered device; per-phase state is guarded by the instance. */
    static final class Device {
        final int index;
        final String id;
        final SigningKey key;
        /** The ML-DSA key of a hybrid device, or null. */
        final SigningKey postQuantumKey;
        final String up;
        final String ack;
        Connection connection;
        // per phase
        byte[][] messages;
        long[] sentNanos;
        boolean[] done;
        int next;

        Device(int index, String id, SigningKey key) {
            this(index, id, key, null);
        }

        Device(int index, String id, SigningKey key, SigningKey postQuantumKey) {
            this.index = index;
            this.id = id;
            this.key = key;
            this.postQuantumKey = postQuantumKey;
            this.up = Topics.up(TENANT, id);
            this.ack = Topics.ack(TENANT, id);
        }
    }

    /** Pre-signed messages of one phase: per device, seq 1..n of one boot. */
    record Corpus(long boot, int packSize, byte[][][] messages) {
        /** As below, the device's k-th reading at {@code firstReadingTime + k} ms. */
        static Corpus sign(Device[] devices, long boot, int packSize, int perDevice, long firstReadingTime) {
            return sign(Arrays.stream(devices).map(d -> d.id).toArray(String[]::new),
                    Arrays.stream(devices).map(d -> d.key).toArray(SigningKey[]::new),
                    Arrays.stream(devices).map(d -> d.postQuantumKey).toArray(SigningKey[]::new), boot, packSize, perDevice,
                    firstReadingTime);
        }

        /** Signs {@code perDevice} messages of {@code packSize} readings for each device {@code ids[i]} with {@code keys[i]}. */
        static Corpus sign(String[] ids, SigningKey[] keys, long boot, int packSize, int perDevice) {
            return sign(ids, keys, new SigningKey[ids.length], boot, packSize, perDevice, System.currentTimeMillis() - 30_000L);
        }

        /** As above; a device with a {@code postQuantumKeys[i]} signs hybrid messages (ADR 029). */
        static Corpus sign(String[] ids, SigningKey[] keys, SigningKey[] postQuantumKeys, long boot, int packSize, int perDevice,
                long firstReadingTime) {
            long now = System.currentTimeMillis();
            byte[][][] m = new byte[ids.length][][];
            IntStream.range(0, ids.length).parallel().forEach(d -> {
                byte[][] own = new byte[perDevice][];
                for (int i = 0; i < perDevice; i++) {
                    long seq = i + 1;
                    List<Reading> readings = new ArrayList<>(packSize);
                    for (int r = 0; r < packSize; r++) {
                        int k = i * packSize + r;
                        // temperature and humidity, the common case (ADR 018's fast path); a co2e-register value
                        // must be whole grams that never decrease (ADR 017), which (k % 100) / 8.0 was not:
                        // every third message was refused INVALID_VALUE
                        Quantity q = k % 2 == 0 ? Quantity.TEMPERATURE : Quantity.HUMIDITY;
                        double v = q == Quantity.TEMPERATURE ? 2 + (k % 50) / 10.0 : q == Quantity.HUMIDITY ? 40 + k % 30 : (k % 100) / 8.0;
                        // increasing times from firstReadingTime, before the signing time
                        readings.add(new Reading(q, v, firstReadingTime + (long) i * packSize + r));
                    }
                    own[i] = postQuantumKeys[d] == null ? ReadingMessages.sign(new ReadingPack(ids[d], readings), boot, seq, now, keys[d])
                            : ReadingMessages.signHybrid(new ReadingPack(ids[d], readings), boot, seq, now, keys[d], postQuantumKeys[d]);
                }
                m[d] = own;
            });
            return new Corpus(boot, packSize, m);
        }
    }

    // ------------------------------------------------------------------ accounting

    /** CPU ticks of the processes under test, and the gateway's per-thread CPU. */
    record Accounting(long gateway, long postmaster, long broker, long generator) {
        long[] snapshot() {
            return new long[] {Proc.ticks(gateway, false), Proc.postgresTicks(postmaster), Proc.ticks(broker, true),
                    Proc.ticks(generator, false), Proc.machineBusyTicks()};
        }
    }

    // ------------------------------------------------------------------ the generator

    /** One Paho connection: a sender thread publishing from its queue, and a callback verifying acks. */
    static final class Connection implements MqttCallback {
        final MqttAsyncClient client;
        final LinkedBlockingQueue<Object[]> queue = new LinkedBlockingQueue<>();
        final Thread sender;
        final Map<String, Device> byAckTopic = new ConcurrentHashMap<>();
        final Generator generator;
        final AtomicLong inflightRetries = new AtomicLong();
        volatile boolean running = true;

        Connection(Generator generator, String url, String clientId) throws MqttException {
            this.generator = generator;
            this.client = new MqttAsyncClient(url, clientId, new MemoryPersistence());
            this.client.setCallback(this);
            this.sender = new Thread(this::send, "load-sender-" + clientId);
            this.sender.setDaemon(true);
        }

        void connect(List<Device> devices) throws MqttException {
            MqttConnectionOptions o = new MqttConnectionOptions();
            o.setCleanStart(true);
            o.setKeepAliveInterval(60);
            o.setReceiveMaximum(4096);
            o.setAutomaticReconnect(false);
            o.setSocketFactory(NoDelaySocketFactory.plain());
            String password = System.getProperty("sensorproof.bench.broker.password");
            if (password != null) {
                o.setUserName("sensorproof-gateway");
                o.setPassword(password.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            client.connect(o).waitForCompletion(30_000);
            MqttSubscription[] subs = new MqttSubscription[devices.size()];
            for (int i = 0; i < subs.length; i++) {
                Device d = devices.get(i);
                d.connection = this;
                byAckTopic.put(d.ack, d);
                subs[i] = new MqttSubscription(d.ack, 1);
            }
            if (subs.length > 0) {
                client.subscribe(subs).waitForCompletion(30_000);
            }
            sender.start();
        }

        private void send() {
            while (running) {
                Object[] item;
                try {
                    item = queue.take();
                } catch (InterruptedException e) {
                    return;
                }
                if (item.length == 0) {
                    return;
                }
                Device d = (Device) item[0];
                int index = (Integer) item[1];
                generator.pace();
                MqttMessage m = new MqttMessage(d.messages[index]);
                m.setQos(1);
                for (;;) {
                    synchronized (d) {
                        d.sentNanos[index] = System.nanoTime();
                    }
                    try {
                        client.publish(d.up, m);
                        break;
                    } catch (MqttException e) {
                        if (e.getReasonCode() != MqttClientException.REASON_CODE_MAX_INFLIGHT) {
                            generator.errors.incrementAndGet();
                            System.err.println("publish failed: " + e);
                            break;
                        }
                        // the broker's receive maximum for this connection is reached: wait for a PUBACK
                        inflightRetries.incrementAndGet();
                        LockSupport.parkNanos(20_000);
                    }
                }
            }
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            Device d = byAckTopic.get(topic);
            if (d != null) {
                generator.acknowledged(d, message.getPayload());
            }
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
            if (running) {
                generator.errors.incrementAndGet();
                System.err.println("generator connection lost: " + response);
            }
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            generator.errors.incrementAndGet();
            System.err.println("mqtt error: " + exception);
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
        }

        void close() {
            running = false;
            queue.add(new Object[0]);
            try {
                client.disconnect(2_000).waitForCompletion(3_000);
            } catch (MqttException e) {
                // closing anyway
            }
            try {
                client.close(true);
            } catch (MqttException e) {
                // closed
            }
        }
    }

    /** Drives phases over the connections. */
    static final class Generator implements AutoCloseable {
        final Device[] devices;
        final VerificationKey ackKey;
        final Settings settings;
        final List<Connection> connections = new ArrayList<>();
        final AtomicLong errors = new AtomicLong();
        // per phase
        volatile Corpus corpus;
        volatile CountDownLatch remaining;
        long[] latencies;
        final AtomicLong accepted = new AtomicLong();
        final AtomicLong duplicateAcks = new AtomicLong();
        final AtomicLong badAcks = new AtomicLong();
        final AtomicLong strayAcks = new AtomicLong();
        final AtomicLong lastAckNanos = new AtomicLong();
        final Map<String, AtomicLong> rejections = new ConcurrentHashMap<>();
        final AtomicLong paced = new AtomicLong();
        volatile long phaseStart;

        private Generator(Device[] devices, VerificationKey ackKey, Settings settings) {
            this.devices = devices;
            this.ackKey = ackKey;
            this.settings = settings;
        }

        static Generator connect(String url, Device[] devices, VerificationKey ackKey, Settings s) throws MqttException {
            Generator g = new Generator(devices, ackKey, s);
            for (int c = 0; c < s.connections; c++) {
                List<Device> own = new ArrayList<>();
                for (int d = c; d < devices.length; d += s.connections) {
                    own.add(devices[d]);
                }
                Connection connection = new Connection(g, url, "load-gen-" + c);
                connection.connect(own);
                g.connections.add(connection);
            }
            return g;
        }

        /** With a target rate, waits for this message's slot. */
        void pace() {
            if (settings.rate <= 0) {
                return;
            }
            long due = phaseStart + (long) (paced.getAndIncrement() * 1e9 / settings.rate);
            for (long wait; (wait = due - System.nanoTime()) > 0;) {
                LockSupport.parkNanos(wait);
            }
        }

        Map<String, Object> run(String name, Corpus c, Accounting accounting, double verifyMicros) throws InterruptedException {
            int perDevice = c.messages()[0].length;
            int total = perDevice * devices.length;
            latencies = new long[total];
            Arrays.fill(latencies, -1);
            accepted.set(0);
            duplicateAcks.set(0);
            badAcks.set(0);
            strayAcks.set(0);
            rejections.clear();
            paced.set(0);
            long errors0 = errors.get();
            long retries0 = connections.stream().mapToLong(x -> x.inflightRetries.get()).sum();
            for (Device d : devices) {
                synchronized (d) {
                    d.messages = c.messages()[d.index];
                    d.sentNanos = new long[perDevice];
                    d.done = new boolean[perDevice];
                    d.next = 0;
                }
            }
            remaining = new CountDownLatch(total);
            corpus = c;
            CpuWindow cpu = CpuWindow.start(accounting);
            long start = System.nanoTime();
            phaseStart = start;
            lastAckNanos.set(start);
            // the initial windows, interleaved across devices
            for (int k = 0; k < settings.window; k++) {
                for (Device d : devices) {
                    int index;
                    synchronized (d) {
                        index = d.next < perDevice ? d.next++ : -1;
                    }
                    if (index >= 0) {
                        d.connection.queue.add(new Object[] {d, index});
                    }
                }
            }
            boolean complete = remaining.await(settings.phaseTimeout.toMillis(), TimeUnit.MILLISECONDS);
            long end = complete ? lastAckNanos.get() : System.nanoTime();
            cpu.stop();
            corpus = null;

            double seconds = (end - start) / 1e9;
            long acked = total - remaining.getCount();
            long[] lat = Arrays.stream(latencies).filter(x -> x >= 0).sorted().toArray();
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("phase", name);
            r.put("packSize", c.packSize());
            r.put("messages", total);
            r.put("readings", (long) total * c.packSize());
            r.put("complete", complete);
            r.put("acknowledged", acked);
            r.put("accepted", accepted.get());
            r.put("rejected", rejections);
            r.put("duplicateAcks", duplicateAcks.get());
            r.put("badAcks", badAcks.get());
            r.put("strayAcks", strayAcks.get());
            r.put("errors", errors.get() - errors0);
            r.put("publishRetriesAtBrokerReceiveMaximum", connections.stream().mapToLong(x -> x.inflightRetries.get()).sum() - retries0);
            r.put("seconds", round(seconds));
            r.put("acceptedMessagesPerSecond", round(accepted.get() / seconds));
            r.put("acceptedReadingsPerSecond", round(accepted.get() * c.packSize() / seconds));
            r.put("messagesPerSecond", round(acked / seconds));
            r.put("latencyMillis", latencyMillis(lat));

            cpu.report(r, seconds, acked, verifyMicros);
            return r;
        }

        /** Callback of a connection: verifies the acknowledgement and completes the messages it names. */
        void acknowledged(Device d, byte[] payload) {
            Corpus c = corpus;
            Acknowledgement ack;
            try {
                ack = AcknowledgementCodec.verify(payload, ackKey);
            } catch (RuntimeException e) {
                badAcks.incrementAndGet();
                return;
            }
            long now = System.nanoTime();
            if (c == null || !ack.deviceId().equals(d.id)) {
                strayAcks.incrementAndGet();
                return;
            }
            for (BootAck b : ack.boots()) {
                if (b.boot() != c.boot()) {
                    strayAcks.incrementAndGet();
                    continue;
                }
                for (SeqRange range : b.stored()) {
                    for (long seq = range.first(); seq <= range.last(); seq++) {
                        complete(d, seq, now, null);
                    }
                }
                for (Rejection rejection : b.rejected()) {
                    complete(d, rejection.seq(), now, rejection.code());
                }
            }
        }

        private void complete(Device d, long seq, long now, String rejection) {
            int index = (int) (seq - 1);
            int perDevice;
            int next;
            synchronized (d) {
                perDevice = d.messages.length;
                if (index < 0 || index >= perDevice || d.done[index]) {
                    duplicateAcks.incrementAndGet();
                    return;
                }
                d.done[index] = true;
                latencies[d.index * perDevice + index] = now - d.sentNanos[index];
                next = d.next < perDevice ? d.next++ : -1;
            }
            if (rejection == null) {
                accepted.incrementAndGet();
            } else {
                rejections.computeIfAbsent(rejection, k -> new AtomicLong()).incrementAndGet();
            }
            if (next >= 0) {
                d.connection.queue.add(new Object[] {d, next});
            }
            lastAckNanos.accumulateAndGet(now, Math::max);
            remaining.countDown();
        }

        @Override
        public void close() {
            connections.forEach(Connection::close);
        }
    }

    // ------------------------------------------------------------------ reporting

    @SuppressWarnings("unchecked")
    static String reading(List<Map<String, Object>> phases, String waitPath) {
        StringBuilder sb = new StringBuilder();
        int cpus = Runtime.getRuntime().availableProcessors();
        for (Map<String, Object> p : phases) {
            Map<String, Object> cores = (Map<String, Object>) p.get("coresBusy");
            Map<String, Object> threads = (Map<String, Object>) p.get("gatewayBusiestThreadsCores");
            double total = ((Number) cores.get("machine")).doubleValue();
            Map.Entry<String, Object> top = threads.entrySet().stream().findFirst().orElse(Map.entry("?", 0.0));
            sb.append(p.get("phase")).append(": ").append(String.format("%.2f", total)).append(" of ").append(cpus)
                    .append(" cores busy on the machine (gateway ").append(cores.get("gateway")).append(", postgres ").append(cores.get("postgres"))
                    .append(", broker ").append(cores.get("broker")).append(", generator ").append(cores.get("generator")).append(", other processes ").append(cores.get("otherProcesses"))
                    .append("); busiest gateway thread '").append(top.getKey()).append("' at ").append(top.getValue()).append(" core");
            if (total >= cpus * 0.9) {
                sb.append(" -> the machine's CPU is saturated: the four processes share ").append(cpus).append(" cores");
            } else if (((Number) top.getValue()).doubleValue() >= 0.85) {
                sb.append(" -> one gateway thread is near a full core: its serial work bounds throughput");
            } else {
                sb.append(" -> CPU not saturated and no gateway thread near a full core: throughput is bound by waiting somewhere in the path (").append(waitPath).append("), not by CPU");
            }
            sb.append(". ");
        }
        return sb.toString().trim();
    }

    static Map<String, Object> compact(Map<String, Object> r) {
        Map<String, Object> c = new LinkedHashMap<>();
        for (String k : List.of("phase", "messages", "complete", "seconds", "acceptedMessagesPerSecond", "acceptedReadingsPerSecond",
                "latencyMillis", "coresBusy", "cpuMicrosPerMessage", "gatewayCpuPerMessageOverEs256Verify", "gatewayCpuPerMessageOverDeviceAlgVerify", "gatewayBusiestThreadsCores")) {
            if (r.containsKey(k)) {
                c.put(k, r.get(k));
            }
        }
        return c;
    }

    static Map<String, Double> ingestMetrics(GatewayProcess gateway) {
        return metrics(gateway, List.of("sensorproof_ingest", "sensorproof_mqtt"));
    }

    /** The gateway's JVM meters (Micrometer's JVM binders): heap, allocation, GC pauses. */
    static Map<String, Double> jvmMetrics(GatewayProcess gateway) {
        return metrics(gateway, List.of("jvm_memory_used_bytes", "jvm_memory_committed_bytes", "jvm_memory_max_bytes",
                "jvm_gc_memory_allocated_bytes_total", "jvm_gc_pause_seconds_sum", "jvm_gc_pause_seconds_count"));
    }

    /**
     * Heap after the phase (used, committed, max: the {@code -Xmx}), bytes allocated per message
     * and GC pauses over the phase, from two {@link #jvmMetrics} snapshots around it.
     */
    static Map<String, Object> jvmFigures(Map<String, Double> before, Map<String, Double> after, long messages, List<String> jvmOptions) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("jvmOptions", String.join(" ", jvmOptions));
        r.put("heapUsedAfterPhaseBytes", (long) sum(after, "jvm_memory_used_bytes{area=\"heap\""));
        r.put("heapCommittedAfterPhaseBytes", (long) sum(after, "jvm_memory_committed_bytes{area=\"heap\""));
        r.put("heapMaxBytes", (long) sum(after, "jvm_memory_max_bytes{area=\"heap\""));
        double allocated = sum(after, "jvm_gc_memory_allocated_bytes_total") - sum(before, "jvm_gc_memory_allocated_bytes_total");
        r.put("allocatedBytes", (long) allocated);
        r.put("allocatedBytesPerMessage", messages == 0 ? -1 : Math.round(allocated / messages));
        r.put("gcPauses", (long) (sum(after, "jvm_gc_pause_seconds_count") - sum(before, "jvm_gc_pause_seconds_count")));
        r.put("gcPauseSeconds", round2(sum(after, "jvm_gc_pause_seconds_sum") - sum(before, "jvm_gc_pause_seconds_sum")));
        return r;
    }

    private static double sum(Map<String, Double> samples, String prefix) {
        return samples.entrySet().stream().filter(e -> e.getKey().startsWith(prefix) && e.getValue() > 0).mapToDouble(Map.Entry::getValue).sum();
    }

    /** The gateway's non-zero Prometheus samples whose names start with one of {@code prefixes}. */
    static Map<String, Double> metrics(GatewayProcess gateway, List<String> prefixes) {
        Map<String, Double> m = new LinkedHashMap<>();
        try {
            for (String line : gateway.get("/q/metrics").split("\n")) {
                if (prefixes.stream().anyMatch(line::startsWith)) {
                    int sp = line.lastIndexOf(' ');
                    double v = Double.parseDouble(line.substring(sp + 1));
                    if (v != 0) {
                        m.put(line.substring(0, sp), v);
                    }
                }
            }
        } catch (Exception e) {
            m.put("unavailable: " + e.getMessage(), -1.0);
        }
        return m;
    }

    /** Percentiles, maximum and mean in milliseconds of sorted latencies in nanoseconds. */
    static Map<String, Object> latencyMillis(long[] sorted) {
        Map<String, Object> l = new LinkedHashMap<>();
        l.put("p50", millis(percentile(sorted, 0.50)));
        l.put("p90", millis(percentile(sorted, 0.90)));
        l.put("p99", millis(percentile(sorted, 0.99)));
        l.put("p99.9", millis(percentile(sorted, 0.999)));
        l.put("max", millis(sorted.length == 0 ? -1 : sorted[sorted.length - 1]));
        l.put("mean", millis((long) Arrays.stream(sorted).average().orElse(-1)));
        return l;
    }

    private static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return -1;
        }
        int i = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static double millis(long nanos) {
        return nanos < 0 ? -1 : Math.round(nanos / 1e4) / 100.0;
    }

    static long memTotal() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (Exception e) {
            // not Linux
        }
        return -1;
    }

    static void deleteTree(Path dir) throws Exception {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
