package io.sensorproof.gateway.core;

import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ProtocolException;
import io.sensorproof.protocol.ids.Topics;
import io.sensorproof.protocol.status.AgentStatus;
import io.sensorproof.protocol.status.StatusCodec;
import java.time.Instant;
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

    /**
     * Handles one status message; never throws for bad input.
     *
     * @return true when the status was verified and recorded
     */
    public boolean handle(String topic, byte[] payload, Instant receivedAt) {
        try {
            if (payload.length > IngestPipeline.MAX_MESSAGE_BYTES) {
                return refuse(ErrorCode.OVERSIZED.name());
            }
            Topics.Address address = Topics.parse(topic);
            if (address.channel() != Topics.Channel.STATUS) {
                return refuse(GatewayReason.TOPIC_MISMATCH.name());
            }
            RegisteredDevice[] device = new RegisteredDevice[1];
            AgentStatus status = StatusCodec.open(payload, kid -> {
                Optional<RegisteredDevice> found = directory.byKid(kid);
                found.ifPresent(d -> device[0] = d);
                return found.map(RegisteredDevice::key);
            });
            RegisteredDevice d = device[0];
            if (!d.tenant().equals(address.tenant()) || !d.deviceId().equals(address.device())) {
                return refuse(GatewayReason.TOPIC_MISMATCH.name());
            }
            if (!d.deviceId().equals(status.deviceId())) {
                return refuse(GatewayReason.BN_MISMATCH.name());
            }
            if (d.status() != DeviceStatus.ACTIVE) {
                return refuse(GatewayReason.DEVICE_INACTIVE.name());
            }
            sink.record(d, status, receivedAt);
            accepted.increment();
            return true;
        } catch (ProtocolException e) {
            return refuse(e.code().name());
        } catch (RuntimeException e) {
            LOG.warning(() -> "status message from " + topic + " not recorded: " + e);
            return refuse(GatewayReason.INTERNAL_ERROR.name());
        }
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
