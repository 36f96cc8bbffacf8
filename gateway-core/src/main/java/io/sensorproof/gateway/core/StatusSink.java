package io.sensorproof.gateway.core;

import io.sensorproof.protocol.status.AgentStatus;
import java.time.Instant;

/** Port where verified status (heartbeat) messages go; the gateway keeps the newest per device. */
@FunctionalInterface
public interface StatusSink {
    /** Records {@code status} of {@code device}, received at {@code receivedAt}. */
    void record(RegisteredDevice device, AgentStatus status, Instant receivedAt);
}
