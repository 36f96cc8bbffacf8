package io.sensorproof.gateway.collateral;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One change of a collateral alert, as the SSE stream sends it ({@code data:}; {@code id:} is
 * {@code eventId}, {@code event:} is {@code type}): the alert as it was right after the change.
 */
public record AlertEventView(long eventId, String type, Instant occurredAt, JsonNode alert) {
}
