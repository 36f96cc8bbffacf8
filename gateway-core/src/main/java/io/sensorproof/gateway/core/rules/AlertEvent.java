package io.sensorproof.gateway.core.rules;

import java.util.Objects;

/**
 * One change of one alert, as the engine emits it for the outbox (webhooks, SSE).
 *
 * @param type what happened
 * @param alert the alert's full state after the change (engine states OPEN or RESOLVED)
 */
public record AlertEvent(AlertEventType type, Alert alert) {
    public AlertEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(alert, "alert");
    }
}
