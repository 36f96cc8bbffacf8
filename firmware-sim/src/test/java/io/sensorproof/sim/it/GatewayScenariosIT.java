package io.sensorproof.sim.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.InstanceOfAssertFactories.collection;

import io.sensorproof.protocol.cbor.CborLimits;
import io.sensorproof.protocol.cose.CoseSign1;
import io.sensorproof.protocol.encoding.FixedPoint;
import io.sensorproof.protocol.message.ReadingMessage;
import io.sensorproof.protocol.message.ReadingMessages;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.ReadingPack;
import io.sensorproof.protocol.senml.SenmlCodec;
import io.sensorproof.sim.fleet.FleetRunner;
import io.sensorproof.sim.fleet.RunReport;
import io.sensorproof.sim.gateway.GatewayClient;
import io.sensorproof.sim.gateway.GatewayClient.StoredMessage;
import io.sensorproof.sim.gateway.GatewayClient.StoredReading;
import io.sensorproof.sim.gateway.DeviceProvisioner;
import io.sensorproof.sim.gateway.StandaloneGateway;
import io.sensorproof.sim.scenario.Scenario;
import io.sensorproof.sim.scenario.ScenarioParser;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The shipped scenarios against the real gateway: the packaged application
 * ({@code gateway/target/quarkus-app}) runs in standalone mode (embedded PostgreSQL and broker) as a
 * child process, the simulator provisions its devices through the operator API, runs real edge
 * agents, and the checks read back what the gateway stored and quarantined.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayScenariosIT {
    private static final Logger LOG = Logger.getLogger(GatewayScenariosIT.class.getName());

    private Path root;
    private StandaloneGateway gateway;
    private GatewayClient client;

    @BeforeAll
    void startGateway() throws Exception {
        root = Path.of("target", "sim-it").toAbsolutePath();
        deleteTree(root);
        Files.createDirectories(root);
        long t0 = System.nanoTime();
        gateway = StandaloneGateway.start(Path.of(System.getProperty("gateway.run.jar")), root.resolve("gateway-data"), Duration.ofMinutes(3));
        client = new GatewayClient(gateway.apiBase(), gateway.operatorKey());
        LOG.info(() -> "gateway ready after " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    }

    @AfterAll
    void stopGateway() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
    }

    /** A shipped scenario with its cold rooms and stacks renamed {@code prefix-room-n}/{@code prefix-stack-n} (device ids are unique per gateway). */
    private Path scenarioFile(String resource, String prefix) throws IOException {
        String json;
        try (InputStream in = getClass().getResourceAsStream("/scenarios/" + resource)) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        json = json.replace("\"prefix\": \"cold-room\"", "\"prefix\": \"" + prefix + "-room\"").replace("\"cold-room-", "\"" + prefix + "-room-")
                .replace("\"prefix\": \"stack\"", "\"prefix\": \"" + prefix + "-stack\"").replace("\"stack-", "\"" + prefix + "-stack-");
        Path file = root.resolve(prefix + "-" + resource);
        Files.writeString(file, json);
        return file;
    }

    private RunReport run(Path scenarioFile, FleetRunner.Mode mode) throws Exception {
        return run(scenarioFile, mode, DeviceProvisioner.Method.ENROLL);
    }

    private RunReport run(Path scenarioFile, FleetRunner.Mode mode, DeviceProvisioner.Method provisioning) throws Exception {
        Scenario scenario = ScenarioParser.read(scenarioFile);
        Path work = root.resolve(scenarioFile.getFileName().toString().replace(".json", ""));
        FleetRunner runner = new FleetRunner(scenario, client, provisioning.provisioner(client),
                new FleetRunner.Options(mode, work, gateway.mqttUrl(), Optional.of(scenarioFile), 60_000, true, null,
                        Optional.of(gateway.brokerCaFile())));
        long t0 = System.nanoTime();
        RunReport report = runner.run();
        report.write(work.resolve("summary.json"));
        LOG.info(() -> scenario.name() + " took " + (System.nanoTime() - t0) / 1_000_000 + " ms: " + report.totals());
        return report;
    }

    private static void assertNothingLostNorInvented(RunReport report) {
        assertThat(report.totals().allDrained()).as("every outbox drained: %s", report.deviceReports()).isTrue();
        assertThat(report.totals().lostReadings()).as("readings made durable but not stored").isZero();
        assertThat(report.totals().unexpectedReadings()).as("readings stored twice or never produced").isZero();
        assertThat(report.totals().outboxDepth()).isZero();
        for (RunReport.DeviceReport d : report.deviceReports()) {
            assertThat(d.durableReadings()).as("%s made readings durable", d.id()).isPositive();
            if (report.mode().equals(FleetRunner.Mode.IN_JVM.name())) {
                assertThat(d.storedReadings() + d.rejectedReadings()).as("%s: stored + rejected = durable", d.id()).isEqualTo(d.durableReadings());
            } else {
                // a SIGKILL between a tick's flush and its trace line leaves that tick stored but untraced
                assertThat(d.storedReadings()).as("%s: stored = durable, give or take the tick of a kill", d.id())
                        .isBetween(d.durableReadings(), d.durableReadings() + 2);
            }
        }
    }

    /**
     * Every device of the run was enrolled: the gateway lists a certificate for the key its agent
     * signs with (the kid of its messages), and its audit log a DEVICE_ENROLLED entry.
     */
    private void assertEnrolled(RunReport report, String tenant) {
        List<String> enrolled = client.audit(tenant, "DEVICE_ENROLLED").stream().map(GatewayClient.AuditEntry::subject).toList();
        for (RunReport.DeviceReport d : report.deviceReports()) {
            List<GatewayClient.Certificate> certificates = client.certificates(tenant, d.id());
            assertThat(certificates).as("%s has a certificate", d.id()).isNotEmpty();
            assertThat(certificates).allSatisfy(c -> assertThat(c.revokedAt()).isNull());
            GatewayClient.StoredMessage first = client.messages(d.id()).get(0);
            String kid = ReadingMessages.decode(client.messageBytes(d.id(), first.boot(), first.seq())).header().kidHex();
            assertThat(certificates).extracting(GatewayClient.Certificate::kid).as("%s: certified key signs its messages", d.id()).contains(kid);
            assertThat(enrolled).as("audit log: %s enrolled", d.id()).containsOnlyOnce(d.id());
        }
    }

    private static BigDecimal celsius(StoredReading r) {
        return FixedPoint.decode(Quantity.TEMPERATURE, r.encodedValue());
    }

    @Test
    void compressorFailureShowsAsASlowRiseFromItsSimulatedTime() throws Exception {
        RunReport report = run(scenarioFile("compressor-failure.json", "cf"), FleetRunner.Mode.IN_JVM);
        assertNothingLostNorInvented(report);
        assertEnrolled(report, "sim-cold");
        assertThat(report.totals().storedReadings()).isEqualTo(720 * 2);

        Instant failure = Instant.parse("2026-01-05T07:00:00Z");
        List<StoredReading> temperatures = client.readings("cf-room-1").stream().filter(r -> r.quantity().equals("temperature")).toList();
        assertThat(temperatures).hasSize(720);
        assertThat(temperatures).allSatisfy(r -> assertThat(r.late()).as("simulated time lies in the past").isTrue());
        List<StoredReading> before = temperatures.stream().filter(r -> r.readingTime().isBefore(failure)).toList();
        List<StoredReading> after = temperatures.stream().filter(r -> !r.readingTime().isBefore(failure)).toList();
        assertThat(before).hasSize(7 * 60 - 1);
        assertThat(before).allSatisfy(r -> assertThat(celsius(r)).as("healthy room at %s", r.readingTime()).isLessThan(new BigDecimal("8.5")));
        Optional<StoredReading> firstAbove8 = after.stream().filter(r -> celsius(r).compareTo(new BigDecimal("8")) >= 0).findFirst();
        assertThat(firstAbove8).as("the room passes 8 °C after the failure").isPresent();
        assertThat(Duration.between(failure, firstAbove8.get().readingTime())).as("a slow rise, not a jump")
                .isBetween(Duration.ofMinutes(30), Duration.ofHours(4));
        BigDecimal lastHourMin = after.subList(after.size() - 60, after.size()).stream().map(GatewayScenariosIT::celsius)
                .min(Comparator.naturalOrder()).orElseThrow();
        assertThat(lastHourMin).as("still warming 5 h after the failure").isGreaterThan(new BigDecimal("10"));

        Map<String, Object> outcome = report.fault("compressor-failure").outcome();
        Instant riseAt = Instant.parse((String) outcome.get("riseOf2At"));
        assertThat(riseAt).isAfter(failure).isBefore(failure.plus(Duration.ofHours(3)));
    }

    @Test
    void tamperedReplayedConflictingAndSwappedKeyMessagesGetTheirCodes() throws Exception {
        RunReport report = run(scenarioFile("attacks.json", "atk"), FleetRunner.Mode.IN_JVM);
        assertNothingLostNorInvented(report);
        assertEnrolled(report, "sim-attacks");
        List<RunReport.FaultReport> f = report.faults();
        assertThat(f).extracting(RunReport.FaultReport::type)
                .containsExactly("tampered", "replay", "replay", "conflicting-duplicate", "key-swap", "rekey", "clock-skew");
        assertThat(f).allSatisfy(r -> assertThat(r.outcome()).doesNotContainKey("notInjected"));

        assertThat(f.get(0).injected()).hasSize(1);
        assertThat(f.get(0).outcome().get("reasons")).isEqualTo(Map.of("BAD_SIGNATURE", 1L));
        assertThat(f.get(0).injected().get(0).reply()).as("no reply to a forgery (ADR 007)").isNull();

        assertThat(f.get(1).outcome().get("quarantined")).as("an identical replay is deduplicated, not quarantined").isEqualTo(0L);
        assertThat(f.get(1).outcome().get("storedCopies")).isEqualTo(1L);
        assertThat(f.get(1).injected().get(0).reply()).as("the gateway acknowledges the copy again").isEqualTo("ACKNOWLEDGED");

        // the broker lets a device publish only on its own topics (ADR 019): the replay onto another
        // device's topic is refused there and never reaches the gateway
        assertThat(f.get(2).injected().get(0).topic()).isEqualTo("t/sim-attacks/d/atk-room-2/up");
        assertThat(f.get(2).injected().get(0).reply()).isEqualTo("REFUSED_BY_BROKER");
        assertThat((Map<?, ?>) f.get(2).outcome().get("reasons")).as("nothing quarantined").isNullOrEmpty();

        assertThat(f.get(3).outcome().get("reasons")).isEqualTo(Map.of("CONFLICTING_DUPLICATE", 1L));
        assertThat((Integer) f.get(3).outcome().get("operatorAlerts")).isGreaterThanOrEqualTo(1);
        assertThat(f.get(3).injected().get(0).reply()).isEqualTo("REJECTED CONFLICTING_DUPLICATE");
        long boot = f.get(3).injected().get(0).boot();
        long seq = f.get(3).injected().get(0).seq();
        assertThat(client.messages("atk-room-1").stream().filter(m -> m.boot() == boot && m.seq() == seq)).as("the stored message stands").hasSize(1);

        assertThat(f.get(4).injected()).hasSize(2);
        assertThat(f.get(4).outcome().get("reasons")).isEqualTo(Map.of("UNKNOWN_KEY", 2L));

        // a legitimate re-key, unlike the key swap: the new key is certified, and the old key's backlog (signed while the
        // network was cut, sent after the re-key) is stored, not quarantined
        Map<String, Object> rekey = f.get(5).outcome();
        assertThat(rekey.get("newKid")).isNotEqualTo(rekey.get("oldKid"));
        assertThat(rekey.get("certifiedKids")).asInstanceOf(collection(String.class))
                .containsExactlyInAnyOrder((String) rekey.get("oldKid"), (String) rekey.get("newKid"));
        assertThat(rekey.get("auditRekeyed")).isEqualTo(true);
        assertThat((Long) rekey.get("oldKeyStoredAfterRekey")).as("old-key messages accepted after the re-key").isPositive();
        assertThat((Long) rekey.get("storedSignedByNewKey")).isPositive();
        assertThat(report.device("atk-room-1").boots()).as("the re-keyed agent restarted with a new boot").hasSize(2);

        // a device clock ten years ahead: the gateway refuses those messages (signed rejection), the agent keeps them aside
        RunReport.DeviceReport skewed = report.device("atk-room-2");
        assertThat(skewed.rejectedReadings()).as("the skewed window's readings (and their pack mates)").isGreaterThanOrEqualTo(20);
        assertThat(skewed.counters().get("messages_rejected")).isPositive();
        assertThat(skewed.counters().get("kept_aside")).isEqualTo(skewed.counters().get("messages_rejected"));
        assertThat(report.rejectedByReason()).containsKey("FUTURE_TIMESTAMP");
        assertThat(report.device("atk-room-1").rejectedReadings()).isZero();

        assertThat(report.rejectedByReason()).containsEntry("BAD_SIGNATURE", 1L).containsEntry("CONFLICTING_DUPLICATE", 1L)
                .containsEntry("UNKNOWN_KEY", 2L).doesNotContainKey("TOPIC_MISMATCH");
    }

    @Test
    void networkPartitionAndPowerLossLoseNothing() throws Exception {
        RunReport report = run(scenarioFile("partition-and-power-loss.json", "out"), FleetRunner.Mode.PROCESSES);
        assertNothingLostNorInvented(report);
        assertEnrolled(report, scenarioTenant("partition-and-power-loss.json"));

        RunReport.DeviceReport partitioned = report.device("out-room-1");
        assertThat(partitioned.boots()).hasSize(1);
        assertThat(partitioned.counters().get("disconnects")).as("the cut reached the agent").isPositive();
        assertThat(partitioned.counters().get("messages_signed")).as("every message signed is stored").isEqualTo(partitioned.storedMessages());
        assertThat((Long) report.fault("network-partition").outcome().get("connectionsRefusedWhileCut")).isPositive();

        RunReport.DeviceReport powered = report.device("out-room-2");
        assertThat(powered.boots()).as("the killed agent came back with a new boot").hasSize(2);
        assertThat(powered.counters().get("process_starts")).isEqualTo(2L);
        Instant offFrom = Instant.parse("2026-01-07T06:42:00Z");
        Instant offTo = Instant.parse("2026-01-07T06:55:00Z");
        List<StoredReading> stored = client.readings("out-room-2");
        assertThat(stored).as("nothing is sampled while the power is off")
                .noneMatch(r -> !r.readingTime().isBefore(offFrom) && r.readingTime().isBefore(offTo));
        assertThat(stored).anyMatch(r -> r.readingTime().isAfter(offTo));
        List<StoredMessage> messages = client.messages("out-room-2");
        assertThat(messages.stream().map(m -> m.boot() + ":" + m.seq()).distinct()).hasSize(messages.size());

        // a re-key in process mode: the agent's process is killed while cut off, re-keyed on its data directory, restarted
        RunReport.DeviceReport rekeyed = report.device("out-room-3");
        assertThat(rekeyed.boots()).hasSize(2);
        assertThat(rekeyed.counters().get("process_starts")).isEqualTo(2L);
        Map<String, Object> rekey = report.fault("rekey").outcome();
        assertThat(rekey).doesNotContainKey("notInjected").containsEntry("auditRekeyed", true);
        assertThat((Long) rekey.get("oldKeyStoredAfterRekey")).as("the old key's backlog is accepted after the re-key").isPositive();
        assertThat((Long) rekey.get("storedSignedByNewKey")).isPositive();
        assertThat(report.rejectedByReason()).as("nothing quarantined, no UNKNOWN_KEY").isEmpty();
    }

    @Test
    void sameSeedSameReadingsAndPayloadsByteForByte() throws Exception {
        // two fleets from the same seed, each device with its own key: the same readings. (Both enroll:
        // the standalone broker serves only devices with an enrollment certificate, ADR 019, so a fleet
        // provisioned with --provisioning register needs a broker of its own.)
        RunReport a = run(scenarioFile("sensor-faults.json", "deta"), FleetRunner.Mode.IN_JVM);
        RunReport b = run(scenarioFile("sensor-faults.json", "detb"), FleetRunner.Mode.IN_JVM);
        assertNothingLostNorInvented(a);
        assertNothingLostNorInvented(b);
        String tenant = scenarioTenant("sensor-faults.json");
        assertEnrolled(a, tenant);
        assertEnrolled(b, tenant);

        for (String device : List.of("room-1", "stack-1")) {
            List<StoredReading> ra = client.readings("deta-" + device);
            List<StoredReading> rb = client.readings("detb-" + device);
            assertThat(ra).isNotEmpty();
            assertThat(rb).as("%s: the same readings under the same (boot, seq, index)", device).isEqualTo(ra);

            List<StoredMessage> ma = client.messages("deta-" + device);
            List<StoredMessage> mb = client.messages("detb-" + device);
            assertThat(mb).extracting(StoredMessage::boot, StoredMessage::seq, StoredMessage::recordCount, StoredMessage::deviceTime)
                    .isEqualTo(ma.stream().map(m -> tuple(m.boot(), m.seq(), m.recordCount(), m.deviceTime())).toList());
            for (int i = 0; i < ma.size(); i++) {
                byte[] rawX = client.messageBytes("deta-" + device, ma.get(i).boot(), ma.get(i).seq());
                byte[] rawY = client.messageBytes("detb-" + device, mb.get(i).boot(), mb.get(i).seq());
                ReadingMessage x = ReadingMessages.decode(rawX);
                ReadingMessage y = ReadingMessages.decode(rawY);
                assertThat(y.header().deviceTimeMillis()).isEqualTo(x.header().deviceTimeMillis());
                // the signed payloads are the canonical encodings of their packs, so equal packs mean equal bytes
                assertThat(CoseSign1.decode(rawX, CborLimits.MESSAGE).payload()).isEqualTo(SenmlCodec.encode(x.pack()));
                assertThat(CoseSign1.decode(rawY, CborLimits.MESSAGE).payload()).isEqualTo(SenmlCodec.encode(y.pack()));
                assertThat(SenmlCodec.encode(new ReadingPack("device", y.pack().readings())))
                        .as("%s message %d: SenML payload apart from the device name", device, i)
                        .isEqualTo(SenmlCodec.encode(new ReadingPack("device", x.pack().readings())));
            }
        }

        List<String> faultsA = new ArrayList<>();
        for (RunReport.FaultReport f : a.faults()) {
            faultsA.add(f.type() + " " + f.outcome());
        }
        List<String> faultsB = new ArrayList<>();
        for (RunReport.FaultReport f : b.faults()) {
            faultsB.add(f.type() + " " + f.outcome());
        }
        assertThat(faultsB).isEqualTo(faultsA);
        assertThat(a.fault("stuck").outcome()).containsEntry("distinctValues", 1L);
        assertThat(a.fault("dropout").outcome()).containsEntry("storedInWindow", 0);
        assertThat((Long) a.fault("clock-skew").outcome().get("readingsOffTheTickGrid")).isPositive();
        assertThat((Long) a.fault("clock-step").outcome().get("agentClockSteps")).isPositive();
        assertThat(((Number) a.fault("spike").outcome().get("max")).doubleValue()).isGreaterThan(12.5);

        // one-JVM power loss: the stack's agent stopped at 05:00 and came back at 06:00 with boot 2
        assertThat(a.device("deta-stack-1").boots()).containsExactly(1L, 2L);
        Instant off = Instant.parse("2026-01-09T05:00:00Z");
        assertThat(client.readings("deta-stack-1")).noneMatch(r -> r.readingTime().isAfter(off) && r.readingTime().isBefore(off.plusSeconds(3600)));
    }

    private String scenarioTenant(String resource) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/scenarios/" + resource)) {
            return ScenarioParser.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)).tenant();
        }
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
