package io.sensorproof.gateway.core;

import io.sensorproof.protocol.status.AgentStatus;
import java.time.Instant;
import java.util.List;

/** Port where verified status (heartbeat) messages go; the gateway keeps the newest per device. */
@FunctionalInterface
public interface StatusSink {
    /** Records {@code status} of {@code device}, received at {@code receivedAt}. */
    void record(RegisteredDevice device, AgentStatus status, Instant receivedAt);

    /** One verified status: what {@link #record} takes. */
    record Entry(RegisteredDevice device, AgentStatus status, Instant receivedAt) {
    }

    /**
     * Records the statuses of a batch, in order, as {@link #record} each would; all or none (a sink
     * behind a database writes them in one transaction, one commit instead of one per status). This
     * default records them one by one.
     */
    default void recordAll(List<Entry> entries) {
        for (Entry e : entries) {
            record(e.device(), e.status(), e.receivedAt());
        }
    }
}
