package io.sensorproof.protocol.status;

import io.sensorproof.protocol.ids.Identifiers;
import io.sensorproof.protocol.message.MessageHeader;
import java.util.Optional;

/**
 * The heartbeat an agent signs at every connect, so the gateway can measure clock skew (device
 * time against its own receive time) and the device's backlog.
 *
 * @param deviceId the device
 * @param boot current boot counter
 * @param deviceTimeMillis device clock at signing, ms since the epoch (UTC)
 * @param outboxDepth messages waiting for an acknowledgement
 * @param outboxBytes bytes those messages occupy
 * @param oldestUnacknowledged (boot, seq) of the oldest waiting message, if any
 * @param lastAcknowledged (boot, seq) of the newest message the gateway acknowledged, if any
 * @param clockSteps backward steps of the device clock observed during this boot
 * @param keptAside messages the gateway rejected, kept aside on the device
 */
public record AgentStatus(String deviceId, long boot, long deviceTimeMillis, long outboxDepth, long outboxBytes,
        Optional<BootSeq> oldestUnacknowledged, Optional<BootSeq> lastAcknowledged, long clockSteps, long keptAside) {

    /**
     * A message identity within a device.
     *
     * @param boot boot counter
     * @param seq sequence number
     */
    public record BootSeq(long boot, long seq) implements Comparable<BootSeq> {
        public BootSeq {
            if (boot < 0 || boot > MessageHeader.MAX_COUNTER || seq < 0 || seq > MessageHeader.MAX_COUNTER) {
                throw new IllegalArgumentException("boot and seq must be in [0, 2^32)");
            }
        }

        @Override
        public int compareTo(BootSeq o) {
            return boot != o.boot ? Long.compare(boot, o.boot) : Long.compare(seq, o.seq);
        }

        @Override
        public String toString() {
            return boot + ":" + seq;
        }
    }

    public AgentStatus {
        Identifiers.requireValid(deviceId, "device id");
        if (boot < 0 || boot > MessageHeader.MAX_COUNTER || deviceTimeMillis < 0 || outboxDepth < 0 || outboxBytes < 0
                || clockSteps < 0 || keptAside < 0) {
            throw new IllegalArgumentException("status counters must not be negative");
        }
        oldestUnacknowledged = oldestUnacknowledged == null ? Optional.empty() : oldestUnacknowledged;
        lastAcknowledged = lastAcknowledged == null ? Optional.empty() : lastAcknowledged;
    }
}
