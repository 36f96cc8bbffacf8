package io.sensorproof.sim.collateral;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sensorproof.sim.fleet.FleetRunner;
import io.sensorproof.sim.fleet.RunReport;
import io.sensorproof.sim.gateway.CollateralApi;
import io.sensorproof.sim.gateway.DeviceProvisioner;
import io.sensorproof.sim.gateway.GatewayClient;
import io.sensorproof.sim.gateway.StandaloneGateway;
import io.sensorproof.sim.scenario.Scenario;
import io.sensorproof.sim.scenario.ScenarioParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Issue 14's latency benchmark (opt-in, not in CI): from the arrival of the reading that completes an
 * excursion's minimum duration to the receipt of the alert's OPENED webhook, over repeated excursions on
 * the packaged standalone gateway (a child process, prod profile).
 *
 * <p>A fleet of simulated cold rooms ({@code --devices}) runs through real, enrolled edge agents; each
 * room's compressor fails {@code --cycles} times for 50 simulated minutes and is repaired for 40, so each
 * cycle is one excursion above 8 °C of at least the 15-minute minimum duration, one alert opened and
 * later resolved. Each room is its own lot of one bank, whose receiver (the JDK's HTTP server, verifying
 * every delivery with the Standard Webhooks library) records when each {@code webhook-id} first arrived.
 * Agents seal one message per tick, so the completing reading is the only new reading of its message.
 *
 * <p><b>Arrival</b> is the gateway's {@code received_at} of the message carrying the completing reading,
 * read back through the messages API: the time the MQTT adapter took it from the broker, on the same
 * machine's clock as the receiver. It leaves out the agent's own sealing and the broker hop (not the
 * gateway's doing) and counts everything the gateway does: queueing, the ingest commit, the collateral
 * watch's queue and evaluation transaction, the relay's poll and the dispatcher's HTTP request. The
 * completing reading is the first out-of-range temperature reading at least the minimum duration after
 * the alert's first out-of-range time (the rule's definition).
 *
 * <p>Writes a JSON results file with the parameters, the percentiles and every sample.
 */
public final class AlertLatencyBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final long HI = 28_115;
    private static final long MIN_DURATION_MS = Duration.ofMinutes(15).toMillis();
    private static final int FAIL_MINUTES = 50;
    private static final int CYCLE_MINUTES = 90;

    private AlertLatencyBenchmark() {
    }

    /** One measured excursion. */
    record Sample(String device, long alertId, String completingReadingTime, long boot, long seq, String arrivedAt,
            String openedAt, String webhookAt, long latencyMs, long arrivalToOpenedMs, long openedToWebhookMs) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Path jar = Path.of(a.getOrDefault("gateway-jar", "gateway/target/quarkus-app/quarkus-run.jar"));
        Path work = Path.of(a.getOrDefault("work-dir", "target/alert-latency")).toAbsolutePath();
        Path out = Path.of(a.getOrDefault("out", "target/alert-latency.json"));
        int devices = Integer.parseInt(a.getOrDefault("devices", "10"));
        int cycles = Integer.parseInt(a.getOrDefault("cycles", "10"));
        double speed = Double.parseDouble(a.getOrDefault("speed", "240"));
        System.exit(run(jar, work, out, devices, cycles, speed));
    }

    static int run(Path jar, Path work, Path out, int devices, int cycles, double speed) throws Exception {
        deleteTree(work);
        Files.createDirectories(work);
        int spanMinutes = cycles * CYCLE_MINUTES + devices * 3 + 10;
        // the gap rule judges silence against the gateway's clock, and accelerated readings lag it by up to the span:
        // silence after the span plus an hour, so that no gap alert opens during the run (see CollateralAlertEndToEndIT)
        long gapFactor = (spanMinutes + 60) * 60_000L / 90_000 + 1;
        Map<String, String> settings = Map.of("SENSORPROOF_COLLATERAL_GAP_FACTOR", Long.toString(gapFactor));
        try (StandaloneGateway gateway = StandaloneGateway.start(jar, work.resolve("gateway-data"), StandaloneGateway.Ports.free(),
                Duration.ofMinutes(3), settings); WebhookReceiver receiver = WebhookReceiver.start()) {
            CollateralApi operator = new CollateralApi(gateway.apiBase(), gateway.operatorKey());
            operator.createTenant("bench-factory", "factory");
            operator.createTenant("bench-bank", "bank");
            CollateralApi factory = operator.as(operator.createKey("factory", "bench-factory"));
            CollateralApi bank = operator.as(operator.createKey("bank", "bench-bank"));
            factory.createSite("bench-factory", "cold-store");
            CollateralApi.Endpoint endpoint = bank.registerWebhook("bench-bank", receiver.url());
            receiver.useSecret(endpoint.secret());
            CollateralApi.Watch watch = new CollateralApi.Watch("temperature", 27_515, HI, MIN_DURATION_MS, 90_000, 60_000, 86_400_000, 1);
            DeviceProvisioner pledging = new PledgingProvisioner(DeviceProvisioner.Method.ENROLL.provisioner(
                    new GatewayClient(gateway.apiBase(), operator.key())), device -> {
                        long lot = factory.createLot("bench-factory", "cold-store", "bench-bank", "goods in " + device, List.of(device));
                        bank.setTerms(lot, List.of(watch));
                    });

            Instant start = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(spanMinutes));
            Path scenarioFile = work.resolve("alert-latency.json");
            Files.writeString(scenarioFile, scenario(start, spanMinutes, speed, devices, cycles));
            Scenario scenario = ScenarioParser.read(scenarioFile);
            GatewayClient client = new GatewayClient(gateway.apiBase(), gateway.operatorKey());
            FleetRunner runner = new FleetRunner(scenario, client, pledging, new FleetRunner.Options(FleetRunner.Mode.IN_JVM,
                    work.resolve("fleet"), gateway.mqttUrl(), Optional.of(scenarioFile), 120_000, false, System.err,
                    Optional.of(gateway.brokerCaFile())));
            RunReport report = runner.run();
            int expected = devices * cycles;
            try {
                Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .until(() -> opened(receiver).size() >= expected);
            } catch (ConditionTimeoutException e) {
                System.err.println("only " + opened(receiver).size() + " of " + expected + " alerts delivered within 60 s after the run");
            }

            List<Sample> samples = new ArrayList<>();
            Map<String, List<JsonNode>> readings = new HashMap<>();
            Map<String, Map<String, Instant>> arrivals = new HashMap<>();
            for (WebhookReceiver.Delivery d : opened(receiver)) {
                JsonNode alert = d.event().path("alert");
                String device = alert.path("deviceId").asText();
                List<JsonNode> rs = readings.computeIfAbsent(device, operator::readings);
                Map<String, Instant> arrived = arrivals.computeIfAbsent(device, dev -> {
                    Map<String, Instant> m = new HashMap<>();
                    operator.messages(dev).forEach(msg -> m.put(msg.path("boot").asLong() + ":" + msg.path("seq").asLong(),
                            Instant.parse(msg.path("receivedAt").asText())));
                    return m;
                });
                Instant completesAt = Instant.parse(alert.path("firstOutOfRangeAt").asText()).plusMillis(MIN_DURATION_MS);
                JsonNode completing = rs.stream().filter(r -> r.path("quantity").asText().equals("temperature"))
                        .filter(r -> r.path("encodedValue").asLong() > HI)
                        .filter(r -> !Instant.parse(r.path("readingTime").asText()).isBefore(completesAt))
                        .min(Comparator.comparing(r -> Instant.parse(r.path("readingTime").asText()))).orElseThrow();
                long boot = completing.path("boot").asLong();
                long seq = completing.path("seq").asLong();
                Instant arrivedAt = arrived.get(boot + ":" + seq);
                // openedAt is the gateway's clock when the evaluation wrote the alert: it splits the latency into ingest + watch
                // queue + evaluation, and relay + dispatcher + HTTP
                Instant openedAt = Instant.parse(alert.path("openedAt").asText());
                samples.add(new Sample(device, alert.path("id").asLong(), completing.path("readingTime").asText(), boot, seq,
                        arrivedAt.toString(), openedAt.toString(), d.receivedAt().toString(), Duration.between(arrivedAt, d.receivedAt()).toMillis(),
                        Duration.between(arrivedAt, openedAt).toMillis(), Duration.between(openedAt, d.receivedAt()).toMillis()));
            }
            long[] sorted = samples.stream().mapToLong(Sample::latencyMs).sorted().toArray();
            Map<String, Object> result = new LinkedHashMap<>();
            Map<String, Object> parameters = new LinkedHashMap<>();
            parameters.put("devices", devices);
            parameters.put("cyclesPerDevice", cycles);
            parameters.put("speed", speed);
            parameters.put("tick", "PT1M");
            parameters.put("packMaxRecords", 2);
            parameters.put("compressorFailureMinutes", FAIL_MINUTES);
            parameters.put("cycleMinutes", CYCLE_MINUTES);
            parameters.put("terms", watch);
            parameters.put("gapFactor", gapFactor);
            parameters.put("gatewaySettings", "defaults (standalone, prod profile) apart from sensorproof.collateral.gap-factor");
            parameters.put("arrival", "gateway received_at of the completing reading's message (messages API)");
            parameters.put("receipt", "receiver's clock when the OPENED delivery's webhook-id first verified");
            parameters.put("availableProcessors", Runtime.getRuntime().availableProcessors());
            result.put("parameters", parameters);
            result.put("measuredAt", Instant.now().toString());
            result.put("failureCycles", expected);
            result.put("measured", sorted.length);
            result.put("unverifiedRequests", receiver.requests().stream().filter(r -> !r.verified()).count());
            result.put("fleet", report.totals());
            if (sorted.length > 0) {
                result.put("p50Ms", percentile(sorted, 50));
                result.put("p90Ms", percentile(sorted, 90));
                result.put("p99Ms", percentile(sorted, 99));
                result.put("maxMs", sorted[sorted.length - 1]);
                result.put("minMs", sorted[0]);
                result.put("meanMs", Math.round(Arrays.stream(sorted).average().orElse(0)));
                long[] evaluated = samples.stream().mapToLong(Sample::arrivalToOpenedMs).sorted().toArray();
                long[] delivered = samples.stream().mapToLong(Sample::openedToWebhookMs).sorted().toArray();
                result.put("arrivalToOpenedP50Ms", percentile(evaluated, 50));
                result.put("arrivalToOpenedP99Ms", percentile(evaluated, 99));
                result.put("openedToWebhookP50Ms", percentile(delivered, 50));
                result.put("openedToWebhookP99Ms", percentile(delivered, 99));
            }
            result.put("samples", samples);
            JSON.writeValue(out.toFile(), result);
            System.out.printf("alert latency over %d alerts opened (%d failure cycles): p50 %s ms, p99 %s ms, max %s ms -> %s%n", sorted.length,
                    expected, result.get("p50Ms"), result.get("p99Ms"), result.get("maxMs"), out);
            // more alerts than failure cycles can happen (an excursion split and merged again by readings evaluated out of
            // order opens a superseding alert): every OPENED alert is a sample, each with its own completing reading
            return sorted.length >= expected ? 0 : 3;
        }
    }

    private static List<WebhookReceiver.Delivery> opened(WebhookReceiver receiver) {
        return receiver.deliveries().stream().filter(d -> d.event().path("type").asText().equals("OPENED"))
                .filter(d -> d.event().path("alert").path("rule").asText().equals("THRESHOLD")).toList();
    }

    /** Nearest-rank percentile. */
    static long percentile(long[] sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static String scenario(Instant start, int spanMinutes, double speed, int devices, int cycles) throws IOException {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("name", "alert-latency");
        s.put("seed", 14);
        s.put("start", start.toString());
        s.put("duration", "PT" + spanMinutes + "M");
        s.put("tick", "PT1M");
        s.put("speed", speed);
        s.put("tenant", "bench-factory");
        s.put("agent", Map.of("packMaxRecords", 2, "packMaxAgeMillis", 86_400_000, "ackTimeoutMillis", 5000));
        Map<String, Object> group = new LinkedHashMap<>();
        group.put("prefix", "bench-room");
        group.put("count", devices);
        group.put("model", "cold-room");
        group.put("setpoint", 4.0);
        group.put("band", 1.0);
        group.put("ambient", 18.0);
        group.put("leakPerHour", 1.0);
        group.put("coolingPerHour", 20.0);
        group.put("doorOpeningsPerHour", 0);
        group.put("defrostEveryHours", 0);
        s.put("devices", List.of(group));
        List<Map<String, Object>> faults = new ArrayList<>();
        for (int d = 1; d <= devices; d++) {
            for (int c = 0; c < cycles; c++) {
                // staggered by 3 simulated minutes per room, so the completing readings do not all arrive together
                int at = 5 + c * CYCLE_MINUTES + (d - 1) * 3;
                faults.add(Map.of("type", "compressor-failure", "device", "bench-room-" + d, "at", "PT" + at + "M",
                        "duration", "PT" + FAIL_MINUTES + "M"));
            }
        }
        s.put("faults", faults);
        return JSON.writeValueAsString(s);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
