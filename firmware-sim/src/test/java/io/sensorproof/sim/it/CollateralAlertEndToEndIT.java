package io.sensorproof.sim.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.sensorproof.sim.collateral.AlertStream;
import io.sensorproof.sim.collateral.PledgingProvisioner;
import io.sensorproof.sim.collateral.WebhookReceiver;
import io.sensorproof.sim.fleet.FleetRunner;
import io.sensorproof.sim.fleet.RunReport;
import io.sensorproof.sim.gateway.CollateralApi;
import io.sensorproof.sim.gateway.DeviceProvisioner;
import io.sensorproof.sim.gateway.GatewayClient;
import io.sensorproof.sim.gateway.StandaloneGateway;
import io.sensorproof.sim.scenario.Scenario;
import io.sensorproof.sim.scenario.ScenarioParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 14 end to end: the simulator's compressor failure on a pledged cold room, through real edge
 * agents (enrolled, TLS to the embedded broker) into the packaged standalone gateway (a child process,
 * prod profile: webhooks on), gives the lot's bank exactly one collateral alert, delivered to a webhook
 * receiver the test runs (verified with the Standard Webhooks library and the secret the API showed
 * once), shown on the bank's SSE stream and REST API with evidence naming stored readings; another bank
 * with a healthy pledged room of the same factory sees nothing anywhere.
 *
 * <p><b>Simulated time.</b> The scenario ({@code pledged-cold-room.json}: no doors, no defrost, a fast
 * room, the failure at 10 min) is moved to end now: its start is set to {@value #SPAN_MINUTES} minutes
 * before the run, so at speed 300 its 75 simulated minutes pass in 15 s and the last readings lie
 * seconds in the past. The rules evaluate in reading time; only the gap rule compares with the
 * gateway's clock, and during the run the readings lag it by up to the whole span. The gateway is
 * therefore started with {@code sensorproof.collateral.gap-factor} = {@value #GAP_FACTOR} (silent after
 * 100 × maxGap 90 s = 150 min): with the default 2 × 90 s every tick of the accelerated run would see a
 * "silent" room and open a gap alert, which a real-time room would not.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CollateralAlertEndToEndIT {
    private static final Logger LOG = Logger.getLogger(CollateralAlertEndToEndIT.class.getName());
    static final int SPAN_MINUTES = 75;
    static final int GAP_FACTOR = 100;
    private static final String FACTORY = "pledge-factory";
    private static final String BANK_A = "bank-a";
    private static final String BANK_B = "bank-b";
    private static final String FAILING = "pledged-room-1";
    private static final String HEALTHY = "pledged-room-2";
    /** 8 °C in centi-kelvin (protocol §7.2). */
    private static final long HI = 28_115;
    private static final CollateralApi.Watch TEMPERATURE_2_TO_8 =
            new CollateralApi.Watch("temperature", 27_515, HI, Duration.ofMinutes(15).toMillis(), 90_000, 60_000, 86_400_000, 1);

    private Path root;
    private StandaloneGateway gateway;

    @BeforeAll
    void startGateway() throws Exception {
        root = Path.of("target", "collateral-e2e-it").toAbsolutePath();
        deleteTree(root);
        Files.createDirectories(root);
        gateway = StandaloneGateway.start(Path.of(System.getProperty("gateway.run.jar")), root.resolve("gateway-data"),
                StandaloneGateway.Ports.free(), Duration.ofMinutes(3), Map.of("SENSORPROOF_COLLATERAL_GAP_FACTOR", Integer.toString(GAP_FACTOR)));
    }

    @AfterAll
    void stopGateway() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void compressorFailureOnAPledgedColdRoomGivesItsBankExactlyOneAlertAndAnotherBankNothing() throws Exception {
        CollateralApi operator = new CollateralApi(gateway.apiBase(), gateway.operatorKey());
        operator.createTenant(FACTORY, "factory");
        operator.createTenant(BANK_A, "bank");
        operator.createTenant(BANK_B, "bank");
        CollateralApi factory = operator.as(operator.createKey("factory", FACTORY));
        CollateralApi bankA = operator.as(operator.createKey("bank", BANK_A));
        CollateralApi bankB = operator.as(operator.createKey("bank", BANK_B));
        factory.createSite(FACTORY, "cold-store");

        try (WebhookReceiver receiverA = WebhookReceiver.start(); WebhookReceiver receiverB = WebhookReceiver.start();
                AlertStream streamA = AlertStream.follow(gateway.apiBase(), bankA.key());
                AlertStream streamB = AlertStream.follow(gateway.apiBase(), bankB.key())) {
            // loopback receivers on their own ports are allowed by the URL policy (only the gateway's own ports are refused)
            CollateralApi.Endpoint endpointA = bankA.registerWebhook(BANK_A, receiverA.url());
            receiverA.useSecret(endpointA.secret());
            CollateralApi.Endpoint endpointB = bankB.registerWebhook(BANK_B, receiverB.url());
            receiverB.useSecret(endpointB.secret());
            assertThat(endpointA.secret()).startsWith("whsec_");

            Map<String, Long> lots = new ConcurrentHashMap<>();
            DeviceProvisioner pledging = new PledgingProvisioner(DeviceProvisioner.Method.ENROLL.provisioner(
                    new GatewayClient(gateway.apiBase(), operator.key())), device -> {
                        String bank = device.equals(FAILING) ? BANK_A : BANK_B;
                        long lot = factory.createLot(FACTORY, "cold-store", bank, "goods in " + device, List.of(device));
                        (bank.equals(BANK_A) ? bankA : bankB).setTerms(lot, List.of(TEMPERATURE_2_TO_8));
                        lots.put(device, lot);
                    });
            Instant start = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(SPAN_MINUTES));
            RunReport report = run(scenarioStartingAt(start), pledging);
            assertThat(report.totals().allDrained()).as("every outbox drained: %s", report.deviceReports()).isTrue();
            assertThat(report.totals().lostReadings()).isZero();
            assertThat(lots).containsOnlyKeys(FAILING, HEALTHY);

            List<JsonNode> temperatures = operator.readings(FAILING).stream()
                    .filter(r -> r.path("quantity").asText().equals("temperature")).toList();
            assertThat(temperatures).hasSize(SPAN_MINUTES);
            Instant lastReading = temperatures.stream().map(r -> Instant.parse(r.path("readingTime").asText()))
                    .max(Comparator.naturalOrder()).orElseThrow();
            assertThat(temperatures.get(temperatures.size() - 1).path("encodedValue").asLong()).as("still warm at the end").isGreaterThan(HI);

            // every reading evaluated: the alert extends to the room's last reading
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> bankA.alerts().stream()
                    .anyMatch(a -> lastReading.equals(Instant.parse(a.path("lastOutOfRangeAt").asText()))));
            List<AlertStream.Event> allEvents = AlertStream.replay(gateway.apiBase(), operator.key(), 0);
            long lastEventId = allEvents.stream().mapToLong(AlertStream.Event::id).max().orElseThrow();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> receiverA.deliveries().stream()
                    .anyMatch(d -> d.webhookId().equals("alert-event-" + lastEventId)));
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> streamA.events().stream().anyMatch(e -> e.id() == lastEventId));

            // exactly one alert, the failing room's excursion, for bank A; nothing else anywhere (no gap, nothing on the healthy room)
            List<JsonNode> alertsA = bankA.alerts();
            assertThat(alertsA).hasSize(1);
            JsonNode alert = alertsA.get(0);
            long alertId = alert.path("id").asLong();
            assertThat(operator.alerts()).extracting(a -> a.path("id").asLong()).containsExactly(alertId);
            assertThat(alert.path("lotId").asLong()).isEqualTo(lots.get(FAILING));
            assertThat(alert.path("deviceId").asText()).isEqualTo(FAILING);
            assertThat(alert.path("quantity").asText()).isEqualTo("temperature");
            assertThat(alert.path("rule").asText()).isEqualTo("THRESHOLD");
            assertThat(alert.path("state").asText()).isEqualTo("OPEN");
            assertThat(alert.path("bankTenant").asText()).isEqualTo(BANK_A);
            Instant failure = start.plus(Duration.ofMinutes(10));
            Instant first = Instant.parse(alert.path("firstOutOfRangeAt").asText());
            assertThat(first).as("the excursion starts after the compressor failed").isAfter(failure);
            assertThat(Duration.between(first, lastReading)).isGreaterThanOrEqualTo(Duration.ofMinutes(15));
            assertThat(alert.path("runFirstAt").isNull()).as("the contract run is shown beside the episode").isFalse();

            // the evidence names readings the gateway stored for that device, out of range, within the excursion
            Map<String, JsonNode> stored = temperatures.stream().collect(Collectors.toMap(CollateralAlertEndToEndIT::key, r -> r));
            assertThat(alert.path("evidence")).isNotEmpty();
            for (JsonNode k : alert.path("evidence")) {
                assertThat(k.path("deviceId").asText()).isEqualTo(FAILING);
                JsonNode reading = stored.get(k.path("boot").asLong() + ":" + k.path("seq").asLong() + ":" + k.path("recordIndex").asInt());
                assertThat(reading).as("evidence %s is a stored temperature reading of %s", k, FAILING).isNotNull();
                Instant t = Instant.parse(reading.path("readingTime").asText());
                assertThat(t).isBetween(first, lastReading);
            }
            JsonNode firstEvidence = stored.get(key(alert.path("evidence").get(0)));
            assertThat(firstEvidence.path("encodedValue").asLong()).as("the first evidence is out of range").isGreaterThan(HI);

            // the webhook: every request verified, one alert id across the deduplicated deliveries, ids stable and equal to the event ids
            assertThat(receiverA.requests()).isNotEmpty().allSatisfy(r -> assertThat(r.verified()).as("verifies: %s", r.webhookId()).isTrue());
            List<WebhookReceiver.Delivery> delivered = receiverA.deliveries();
            assertThat(delivered).extracting(d -> d.event().path("alert").path("id").asLong()).containsOnly(alertId);
            assertThat(delivered).allSatisfy(d -> assertThat(d.webhookId()).isEqualTo("alert-event-" + d.event().path("eventId").asLong()));
            assertThat(delivered).extracting(d -> d.event().path("type").asText()).containsOnlyOnce("OPENED");
            Set<String> eventIdsA = allEvents.stream().map(e -> "alert-event-" + e.id()).collect(Collectors.toCollection(TreeSet::new));
            assertThat(delivered).extracting(WebhookReceiver.Delivery::webhookId).containsExactlyInAnyOrderElementsOf(eventIdsA);

            // bank A's live stream shows the same events of that alert
            assertThat(streamA.events()).extracting(AlertStream.Event::id)
                    .containsExactlyElementsOf(allEvents.stream().map(AlertStream.Event::id).toList());
            assertThat(streamA.events()).allSatisfy(e -> assertThat(e.data().path("alert").path("id").asLong()).isEqualTo(alertId));
            assertThat(streamA.events()).extracting(AlertStream.Event::type).containsOnlyOnce("OPENED");

            // bank B: nothing on REST, SSE (live and replayed), webhooks; the alert itself is a 404 for it
            assertThat(bankB.alerts()).isEmpty();
            assertThat(bankB.alertStatus(alertId)).isEqualTo(404);
            assertThat(AlertStream.replay(gateway.apiBase(), bankB.key(), 0)).isEmpty();
            assertThat(streamB.events()).isEmpty();
            assertThat(receiverB.requests()).isEmpty();
            assertThat(bankB.deliveries(BANK_B, endpointB.id())).isEmpty();
            LOG.info(() -> "alert " + alertId + ": " + delivered.size() + " webhook deliveries, " + streamA.events().size() + " SSE events");
        }
    }

    private static String key(JsonNode r) {
        return r.path("boot").asLong() + ":" + r.path("seq").asLong() + ":" + r.path("recordIndex").asInt();
    }

    private Path scenarioStartingAt(Instant start) throws IOException {
        String json;
        try (InputStream in = getClass().getResourceAsStream("/scenarios/pledged-cold-room.json")) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String moved = json.replace("\"start\": \"2026-01-05T00:00:00Z\"", "\"start\": \"" + start + "\"");
        assertThat(moved).as("the scenario's start was replaced").isNotEqualTo(json);
        Path file = root.resolve("pledged-cold-room.json");
        Files.writeString(file, moved);
        return file;
    }

    private RunReport run(Path scenarioFile, DeviceProvisioner provisioner) throws Exception {
        Scenario scenario = ScenarioParser.read(scenarioFile);
        Path work = root.resolve("fleet");
        GatewayClient client = new GatewayClient(gateway.apiBase(), gateway.operatorKey());
        FleetRunner runner = new FleetRunner(scenario, client, provisioner, new FleetRunner.Options(FleetRunner.Mode.IN_JVM, work,
                gateway.mqttUrl(), Optional.of(scenarioFile), 60_000, true, null, Optional.of(gateway.brokerCaFile())));
        long t0 = System.nanoTime();
        RunReport report = runner.run();
        report.write(work.resolve("summary.json"));
        LOG.info(() -> scenario.name() + " took " + (System.nanoTime() - t0) / 1_000_000 + " ms: " + report.totals());
        return report;
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
