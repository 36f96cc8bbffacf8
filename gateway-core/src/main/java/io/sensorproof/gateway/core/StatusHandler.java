package io.sensorproof.gateway.core;

import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ProtocolException;
import io.sensorproof.protocol.ids.Topics;
import io.sensorproof.protocol.status.AgentStatus;
import io.sensorproof.protocol.status.StatusCodec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;

/**
 * Verifies status (heartbeat) messages from {@code t/{tenant}/d/{device}/status} and hands them to
 * a {@link StatusSink}: signature by the registered device key, topic and payload naming that
 * device, device active. Refused status messages are only counted (by reason): they carry no
 * readings, so nothing is lost by not keeping them, and they never get a reply.
 */
public final class StatusHandler {
    private static final Logger LOG = Logger.getLogger(StatusHandler.class.getName());

    private final DeviceDirectory directory;
    private final StatusSink sink;
    private final LongAdder accepted = new LongAdder();
    private final Map<String, LongAdder> refused = new ConcurrentHashMap<>();

    public StatusHandler(DeviceDirectory directory, StatusSink sink) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /** A status message as it arrived. */
    public record Inbound(String topic, byte[] payload, Instant receivedAt) {
    }

    /**
     * Handles one status message; never throws for bad input.
     *
     * @return true when the status was verified and recorded
     */
    public boolean handle(String topic, byte[] payload, Instant receivedAt) {
        return handleAll(List.of(new Inbound(topic, payload, receivedAt))).get(0);
    }

    /**
     * Handles the status messages of a batch: verifies each, then records all verified ones with one
     * {@link StatusSink#recordAll} (one commit for the batch; before, each status was a commit of its
     * own on the ingest worker, and a fleet's heartbeats after a restart stalled the readings behind
     * them). Never throws for bad input; if recording fails, every status of the batch counts as
     * refused {@code INTERNAL_ERROR} (they carry no readings; the next heartbeat replaces them).
     *
     * @return per message, in order, true when it was verified and recorded
     */
    public List<Boolean> handleAll(List<Inbound> batch) {
        List<Boolean> recorded = new ArrayList<>(batch.size());
        List<StatusSink.Entry> verified = new ArrayList<>(batch.size());
        List<Integer> at = new ArrayList<>(batch.size());
        for (Inbound in : batch) {
            StatusSink.Entry entry = verify(in);
            recorded.add(entry != null);
            if (entry != null) {
                verified.add(entry);
                at.add(recorded.size() - 1);
            }
        }
        if (verified.isEmpty()) {
            return recorded;
        }
        try {
            sink.recordAll(verified);
            accepted.add(verified.size());
        } catch (RuntimeException e) {
            LOG.warning(() -> verified.size() + " status messages not recorded: " + e);
            for (int i : at) {
                recorded.set(i, false);
                refuse(GatewayReason.INTERNAL_ERROR.name());
            }
        }
        return recorded;
    }

    /** The checks of one status message: its entry to record, or null when refused (counted). */
    private StatusSink.Entry verify(Inbound in) {
        String topic = in.topic();
        byte[] payload = in.payload();
        try {
            if (payload.length > IngestPipeline.MAX_MESSAGE_BYTES) {
                return refused(ErrorCode.OVERSIZED.name());
            }
            Topics.Address address = Topics.parse(topic);
            if (address.channel() != Topics.Channel.STATUS) {
                return refused(GatewayReason.TOPIC_MISMATCH.name());
            }
            RegisteredDevice[] device = new RegisteredDevice[1];
            AgentStatus status = StatusCodec.open(payload, kid -> {
                Optional<RegisteredDevice> found = directory.byKid(kid);
                found.ifPresent(d -> device[0] = d);
                return found.map(RegisteredDevice::key);
            });
            RegisteredDevice d = device[0];
            if (!d.tenant().equals(address.tenant()) || !d.deviceId().equals(address.device())) {
                return refused(GatewayReason.TOPIC_MISMATCH.name());
            }
            if (!d.deviceId().equals(status.deviceId())) {
                return refused(GatewayReason.BN_MISMATCH.name());
            }
            if (d.status() != DeviceStatus.ACTIVE) {
                return refused(GatewayReason.DEVICE_INACTIVE.name());
            }
            return new StatusSink.Entry(d, status, in.receivedAt());
        } catch (ProtocolException e) {
            return refused(e.code().name());
        } catch (RuntimeException e) {
            LOG.warning(() -> "status message from " + topic + " not recorded: " + e);
            return refused(GatewayReason.INTERNAL_ERROR.name());
        }
    }

    private StatusSink.Entry refused(String code) {
        refuse(code);
        return null;
    }

    private boolean refuse(String code) {
        refused.computeIfAbsent(code, c -> new LongAdder()).increment();
        return false;
    }

    /** Status messages recorded. */
    public long accepted() {
        return accepted.sum();
    }

    /** Refused status messages by reason code. */
    public Map<String, Long> refused() {
        Map<String, Long> out = new java.util.TreeMap<>();
        refused.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
