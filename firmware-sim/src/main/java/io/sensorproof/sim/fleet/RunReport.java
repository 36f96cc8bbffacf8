package io.sensorproof.sim.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The JSON summary of a run: parameters ({@code maxTickLagMillis}: how late the driver started a
 * tick at worst; {@code drainSeconds}: from the last tick until every outbox was empty), totals over the fleet, rejections by reason (from the
 * gateway's quarantine), each device's counters and checks, and for every fault what was injected
 * and what the gateway did with it.
 */
public record RunReport(String scenario, long seed, String mode, int devices, String simulatedStart, String simulatedEnd, long ticks,
        double speed, double wallSeconds, long maxTickLagMillis, double drainSeconds, Totals totals, Map<String, Long> rejectedByReason,
        List<FaultReport> faults, List<DeviceReport> deviceReports) {

    /**
     * Fleet totals. {@code messagesAcknowledged} counts messages the agents deleted after a verified
     * acknowledgement; {@code storedMessages}/{@code storedReadings}, {@code rejectedReadings}
     * (in messages the gateway refused after verifying their signature, e.g. FUTURE_TIMESTAMP,
     * read back from quarantine), {@code lostReadings} (made durable by an agent but neither stored
     * nor rejected) and {@code unexpectedReadings} (stored but never produced by the model, or stored
     * twice) come from the gateway's read API and are -1 when not verified.
     */
    public record Totals(long readingsSubmitted, long readingsRefusedByAgent, long messagesSigned, long messagesAcknowledged,
            long messagesRejected, long outboxDepth, long keptAside, boolean allDrained, long storedMessages, long storedReadings,
            long rejectedReadings, long lostReadings, long unexpectedReadings) {
    }

    /** One device: its agent counters and the comparison of what it made durable with what the gateway stored. */
    public record DeviceReport(String id, boolean drained, Map<String, Long> counters, long expectedReadings, long durableReadings,
            long storedReadings, long storedMessages, long rejectedReadings, long lostReadings, long unexpectedReadings, List<Long> boots) {
    }

    /** One fault: when (simulated), to whom, what was injected and what the gateway did. */
    public record FaultReport(String type, String device, String at, List<Injection> injected, Map<String, Object> outcome) {
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** The report as indented JSON. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@link #toJson()} to {@code file}. */
    public void write(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Files.writeString(file, toJson());
    }

    /** The report of the first fault of this type. */
    public FaultReport fault(String type) {
        return faults.stream().filter(f -> f.type().equals(type)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no fault " + type + " in the report"));
    }

    /** The report of a device. */
    public DeviceReport device(String id) {
        return deviceReports.stream().filter(d -> d.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no device " + id + " in the report"));
    }
}
