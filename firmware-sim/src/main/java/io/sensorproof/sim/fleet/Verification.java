package io.sensorproof.sim.fleet;

import io.sensorproof.protocol.encoding.FixedPoint;
import io.sensorproof.protocol.ids.Topics;
import io.sensorproof.protocol.message.ReadingMessages;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import io.sensorproof.sim.gateway.GatewayClient;
import io.sensorproof.sim.gateway.GatewayClient.QuarantineEntry;
import io.sensorproof.sim.gateway.GatewayClient.StoredMessage;
import io.sensorproof.sim.gateway.GatewayClient.StoredReading;
import io.sensorproof.sim.scenario.DeviceSpec;
import io.sensorproof.sim.scenario.Fault;
import io.sensorproof.sim.scenario.FaultType;
import io.sensorproof.sim.scenario.Scenario;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Builds the {@link RunReport} after a run: sums agent counters, reads back (when verifying) each
 * device's stored messages and readings and compares them with what the device made durable and
 * with what its model produced, and looks up what the gateway did with every fault.
 */
final class Verification {
    private static final long QUARANTINE_WAIT_MILLIS = 20_000;

    private final Scenario scenario;
    private final GatewayClient gateway;
    private final boolean verify;

    Verification(Scenario scenario, GatewayClient gateway, boolean verify) {
        this.scenario = scenario;
        this.gateway = gateway;
        this.verify = verify;
    }

    RunReport report(String mode, Map<String, FleetDevice> devices, Map<String, Boolean> drained, List<FleetRunner.FaultRun> faults,
            Instant runStart, double wallSeconds, long maxLag, double drainSeconds) throws IOException, InterruptedException {
        Map<String, List<StoredReading>> stored = new HashMap<>();
        Map<String, List<StoredMessage>> messages = new HashMap<>();
        List<RunReport.DeviceReport> reports = new ArrayList<>();
        long submitted = 0;
        long refused = 0;
        long signed = 0;
        long acked = 0;
        long rejected = 0;
        long depth = 0;
        long keptAside = 0;
        long storedMessages = verify ? 0 : -1;
        long storedReadings = verify ? 0 : -1;
        long rejectedReadings = verify ? 0 : -1;
        long lost = verify ? 0 : -1;
        List<QuarantineEntry> quarantine = awaitQuarantine(faults, runStart);
        long unexpected = verify ? 0 : -1;
        for (FleetDevice d : devices.values()) {
            Map<String, Long> c = d.counters();
            submitted += c.getOrDefault("readings_accepted", 0L);
            refused += c.getOrDefault("readings_refused_by_agent", 0L) + c.getOrDefault("input_rejected", 0L);
            signed += c.getOrDefault("messages_signed", 0L);
            acked += c.getOrDefault("messages_stored", 0L);
            rejected += c.getOrDefault("messages_rejected", 0L);
            depth += c.getOrDefault("outbox_depth", 0L);
            keptAside += c.getOrDefault("kept_aside", 0L);
            if (!verify) {
                reports.add(new RunReport.DeviceReport(d.id(), drained.getOrDefault(d.id(), false), c, -1, -1, -1, -1, -1, -1, -1, List.of()));
                continue;
            }
            List<StoredReading> readings = gateway.readings(d.id());
            List<StoredMessage> msgs = gateway.messages(d.id());
            stored.put(d.id(), readings);
            messages.put(d.id(), msgs);
            Map<ReadingKey, Integer> storedCount = count(readings.stream().map(ReadingKey::of).toList());
            Map<ReadingKey, Integer> expected = count(expectedReadings(scenario.device(d.id())));
            List<ReadingKey> durable = d.durableReadings();
            Map<ReadingKey, Integer> rejectedCount = count(refusedReadings(d.id(), quarantine));
            long deviceLost = 0;
            for (Map.Entry<ReadingKey, Integer> e : count(durable).entrySet()) {
                deviceLost += Math.max(0, e.getValue() - storedCount.getOrDefault(e.getKey(), 0) - rejectedCount.getOrDefault(e.getKey(), 0));
            }
            long deviceRejected = rejectedCount.values().stream().mapToLong(Integer::longValue).sum();
            long deviceUnexpected = 0;
            for (Map.Entry<ReadingKey, Integer> e : storedCount.entrySet()) {
                deviceUnexpected += Math.max(0, e.getValue() - expected.getOrDefault(e.getKey(), 0));
            }
            storedMessages += msgs.size();
            storedReadings += readings.size();
            rejectedReadings += deviceRejected;
            lost += deviceLost;
            unexpected += deviceUnexpected;
            List<Long> boots = new ArrayList<>(new TreeSet<>(msgs.stream().map(StoredMessage::boot).toList()));
            reports.add(new RunReport.DeviceReport(d.id(), drained.getOrDefault(d.id(), false), c,
                    expected.values().stream().mapToLong(Integer::longValue).sum(), durable.size(), readings.size(), msgs.size(), deviceRejected,
                    deviceLost, deviceUnexpected, boots));
        }

        Map<String, Long> byReason = new TreeMap<>();
        for (QuarantineEntry q : quarantine) {
            if (q.topic() != null && devices.containsKey(deviceOfTopic(q.topic()))) {
                byReason.merge(q.reason(), 1L, Long::sum);
            }
        }
        List<RunReport.FaultReport> faultReports = new ArrayList<>();
        for (FleetRunner.FaultRun run : faults) {
            Fault f = run.fault;
            Map<String, Object> outcome = new LinkedHashMap<>();
            if (run.failure != null) {
                outcome.put("notInjected", run.failure);
            }
            if (verify || f.type().kind() == FaultType.Kind.INJECTED) {
                outcome(f, run, devices, stored, messages, quarantine, outcome);
            }
            faultReports.add(new RunReport.FaultReport(f.type().label(), f.device(), Instant.ofEpochMilli(f.startMillis(scenario)).toString(),
                    List.copyOf(run.injected), outcome));
        }
        boolean allDrained = !drained.isEmpty() && drained.values().stream().allMatch(Boolean::booleanValue);
        RunReport.Totals totals = new RunReport.Totals(submitted, refused, signed, acked, rejected, depth, keptAside, allDrained, storedMessages,
                storedReadings, rejectedReadings, lost, unexpected);
        return new RunReport(scenario.name(), scenario.seed(), mode, devices.size(), scenario.start().toString(),
                Instant.ofEpochMilli(scenario.tickMillis(scenario.ticks())).toString(), scenario.ticks(), scenario.speed(),
                Math.round(wallSeconds * 10) / 10.0, maxLag, Math.round(drainSeconds * 10) / 10.0, totals, byReason, faultReports, reports);
    }

    /**
     * Readings of the device's own messages that the gateway refused after their signature verified
     * (so they are the device's, not an attacker's): read back from quarantine. Conflicting
     * duplicates are left out: the stored message under that (boot, seq) holds the device's readings.
     */
    private List<ReadingKey> refusedReadings(String deviceId, List<QuarantineEntry> quarantine) {
        List<ReadingKey> keys = new ArrayList<>();
        for (QuarantineEntry q : quarantine) {
            if (!q.authenticated() || q.topic() == null || !deviceId.equals(deviceOfTopic(q.topic()))
                    || q.reason().equals("CONFLICTING_DUPLICATE")) {
                continue;
            }
            gateway.quarantineBytes(q.id()).ifPresent(raw -> {
                for (Reading r : ReadingMessages.decode(raw).pack().readings()) {
                    keys.add(ReadingKey.of(r));
                }
            });
        }
        return keys;
    }

    /**
     * Every reading the device's model produces over the whole scenario (faults applied), as if it
     * never lost power, less those its agent refuses: values out of range, and emissions register
     * readings below the register or not after its newest reading (the agent's register is durable,
     * so this holds across power loss).
     */
    List<ReadingKey> expectedReadings(DeviceSpec device) {
        DeviceSimulation simulation = new DeviceSimulation(scenario, device);
        List<ReadingKey> keys = new ArrayList<>();
        long register = 0;
        long registerTime = Long.MIN_VALUE;
        for (long k = 1; k <= scenario.ticks(); k++) {
            for (Reading r : simulation.tick(k)) {
                if (!inRange(r)) {
                    continue;
                }
                if (r.quantity() == Quantity.CO2E_REGISTER) {
                    if (r.fixedValue() < register || r.timeMillis() <= registerTime) {
                        continue;
                    }
                    register = r.fixedValue();
                    registerTime = r.timeMillis();
                }
                keys.add(ReadingKey.of(r));
            }
        }
        return keys;
    }

    private static boolean inRange(Reading r) {
        try {
            r.checkValue();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private List<QuarantineEntry> awaitQuarantine(List<FleetRunner.FaultRun> faults, Instant runStart) throws InterruptedException {
        long deadline = System.currentTimeMillis() + QUARANTINE_WAIT_MILLIS;
        while (true) {
            List<QuarantineEntry> entries = gateway.quarantine(runStart);
            boolean complete = true;
            for (FleetRunner.FaultRun run : faults) {
                if (run.fault.type().kind() != FaultType.Kind.INJECTED || expectsNoQuarantine(run.fault)) {
                    continue;
                }
                for (Injection i : run.injected) {
                    if (entries.stream().noneMatch(q -> matches(q, i))) {
                        complete = false;
                    }
                }
            }
            if (complete || System.currentTimeMillis() > deadline) {
                return entries;
            }
            Thread.sleep(250);
        }
    }

    private static boolean expectsNoQuarantine(Fault f) {
        return f.type() == FaultType.REPLAY && f.toDevice().isEmpty();
    }

    private static boolean matches(QuarantineEntry q, Injection i) {
        return i.topic().equals(q.topic()) && Objects.equals(q.boot(), i.boot()) && Objects.equals(q.seq(), i.seq())
                && (q.kid() == null || q.kid().equals(i.kid()));
    }

    private void outcome(Fault f, FleetRunner.FaultRun run, Map<String, FleetDevice> devices, Map<String, List<StoredReading>> stored,
            Map<String, List<StoredMessage>> messages, List<QuarantineEntry> quarantine, Map<String, Object> outcome) {
        long start = f.startMillis(scenario);
        long end = Math.min(f.endMillis(scenario), scenario.tickMillis(scenario.ticks()) + 1);
        switch (f.type().kind()) {
            case INJECTED -> {
                Map<String, Long> reasons = new TreeMap<>();
                long matched = 0;
                for (Injection i : run.injected) {
                    for (QuarantineEntry q : quarantine) {
                        if (matches(q, i)) {
                            reasons.merge(q.reason(), 1L, Long::sum);
                            matched++;
                        }
                    }
                }
                outcome.put("quarantined", matched);
                outcome.put("reasons", reasons);
                if (f.type() == FaultType.REPLAY && f.toDevice().isEmpty() && messages.containsKey(f.device())) {
                    long copies = run.injected.isEmpty() ? 0 : messages.get(f.device()).stream()
                            .filter(m -> m.boot() == run.injected.get(0).boot() && m.seq() == run.injected.get(0).seq()).count();
                    outcome.put("storedCopies", copies);
                }
                if (f.type() == FaultType.CONFLICTING_DUPLICATE) {
                    outcome.put("operatorAlerts", gateway.alerts(f.device()).size());
                }
            }
            case PROCESS, SENSOR, CLOCK -> {
                for (String id : devices.keySet()) {
                    if (!f.targets(id) || !stored.containsKey(id)) {
                        continue;
                    }
                    Map<String, Object> o = f.device().equals("*") ? new LinkedHashMap<>() : outcome;
                    windowOutcome(f, id, stored.get(id), start, end, o, devices.get(id).counters());
                    if (o != outcome) {
                        outcome.put(id, o);
                    }
                }
            }
            case AGENT -> {
                for (String id : devices.keySet()) {
                    if (!f.targets(id)) {
                        continue;
                    }
                    Map<String, Object> o = f.device().equals("*") ? new LinkedHashMap<>() : outcome;
                    FleetDevice d = devices.get(id);
                    Map<String, Long> c = d.counters();
                    if (f.type() == FaultType.NETWORK_PARTITION) {
                        o.put("connectionsRefusedWhileCut", d.proxy().map(p -> p.refused()).orElse(0L));
                        o.put("agentDisconnects", c.getOrDefault("disconnects", 0L));
                    } else if (f.type() == FaultType.REKEY) {
                        Agents.Rekeyed r = run.rekeyed.get(id);
                        if (r != null) {
                            rekeyOutcome(id, r, messages.get(id), o);
                        }
                    } else {
                        o.put("processStarts", c.getOrDefault("process_starts", 1L));
                    }
                    if (messages.containsKey(id)) {
                        o.put("bootsStored", new TreeSet<>(messages.get(id).stream().map(StoredMessage::boot).toList()));
                    }
                    o.put("drainedAfterwards", c.getOrDefault("outbox_depth", 0L) == 0);
                    if (o != outcome) {
                        outcome.put(id, o);
                    }
                }
            }
        }
    }

    /**
     * What the gateway made of a re-key: the certificates it lists for the device, its audit entry,
     * and which key signed each stored message (the old key's backlog, sent after the re-key, is
     * accepted because the old key's certificate has not expired).
     */
    private void rekeyOutcome(String deviceId, Agents.Rekeyed r, List<StoredMessage> stored, Map<String, Object> o) {
        o.put("oldKid", r.oldKid());
        o.put("newKid", r.newKid());
        o.put("certifiedKids", gateway.certificates(scenario.tenant(), deviceId).stream().map(GatewayClient.Certificate::kid)
                .collect(Collectors.toCollection(TreeSet::new)));
        o.put("auditRekeyed", gateway.audit(scenario.tenant(), "DEVICE_REKEYED").stream().anyMatch(a -> deviceId.equals(a.subject())
                && r.newKid().equals(a.detail().path("kid").asText())));
        if (stored == null) {
            return;
        }
        long byOld = 0;
        long byNew = 0;
        long oldAfter = 0;
        for (StoredMessage m : stored) {
            String kid = ReadingMessages.decode(gateway.messageBytes(deviceId, m.boot(), m.seq())).header().kidHex();
            if (kid.equals(r.oldKid())) {
                byOld++;
                if (m.receivedAt().isAfter(r.at())) {
                    oldAfter++;
                }
            } else if (kid.equals(r.newKid())) {
                byNew++;
            }
        }
        o.put("storedSignedByOldKey", byOld);
        o.put("storedSignedByNewKey", byNew);
        o.put("oldKeyStoredAfterRekey", oldAfter);
    }

    private void windowOutcome(Fault f, String deviceId, List<StoredReading> readings, long start, long end, Map<String, Object> o, Map<String, Long> counters) {
        DeviceSpec device = scenario.device(deviceId);
        Quantity quantity = f.quantity().orElse(device.model().create(0).primaryQuantity());
        List<StoredReading> inWindow = new ArrayList<>();
        StoredReading before = null;
        for (StoredReading r : readings) {
            if (!r.quantity().equals(quantity.senmlName())) {
                continue;
            }
            long t = r.readingTime().toEpochMilli();
            if (t < start) {
                before = r;
            } else if (t < end) {
                inWindow.add(r);
            }
        }
        o.put("quantity", quantity.senmlName());
        o.put("storedInWindow", inWindow.size());
        if (!inWindow.isEmpty()) {
            o.put("min", inWindow.stream().map(r -> value(quantity, r)).min(BigDecimal::compareTo).orElseThrow());
            o.put("max", inWindow.stream().map(r -> value(quantity, r)).max(BigDecimal::compareTo).orElseThrow());
            o.put("distinctValues", inWindow.stream().map(StoredReading::encodedValue).distinct().count());
        }
        switch (f.type()) {
            case COMPRESSOR_FAILURE -> {
                if (before != null) {
                    BigDecimal baseline = value(quantity, before);
                    o.put("before", baseline);
                    for (StoredReading r : inWindow) {
                        if (value(quantity, r).subtract(baseline).compareTo(BigDecimal.valueOf(2)) >= 0) {
                            o.put("riseOf2At", r.readingTime().toString());
                            o.put("riseOf2AfterMinutes", (r.readingTime().toEpochMilli() - start) / 60_000);
                            break;
                        }
                    }
                }
            }
            case CLOCK_SKEW, CLOCK_STEP -> {
                long tick = scenario.tick().toMillis();
                long offGrid = inWindow.stream().filter(r -> (r.readingTime().toEpochMilli() - scenario.start().toEpochMilli()) % tick != 0).count();
                o.put("readingsOffTheTickGrid", offGrid);
                o.put("agentClockSteps", counters.getOrDefault("clock_steps", 0L));
                o.put("agentMessagesRejected", counters.getOrDefault("messages_rejected", 0L));
            }
            default -> {
                // window statistics say it
            }
        }
    }

    private static BigDecimal value(Quantity q, StoredReading r) {
        return FixedPoint.decode(q, r.encodedValue());
    }

    private static Map<ReadingKey, Integer> count(List<ReadingKey> keys) {
        Map<ReadingKey, Integer> m = new HashMap<>();
        for (ReadingKey k : keys) {
            m.merge(k, 1, Integer::sum);
        }
        return m;
    }

    private static String deviceOfTopic(String topic) {
        try {
            return Topics.parse(topic).device();
        } catch (RuntimeException e) {
            return "";
        }
    }
}
