package io.sensorproof.gateway.collateral;

import io.sensorproof.gateway.core.collateral.MessageEvidence;
import io.sensorproof.gateway.core.collateral.ReadingKey;
import java.time.Instant;
import java.util.List;

/**
 * A collateral alert as the API, the SSE stream and webhooks show it: the lot and its parties, the
 * device, quantity (null for device-wide rules) and rule; the state; the alert's own first and last
 * out-of-range times (with hysteresis) next to the contract run's first and last times (all readings
 * out of range, neighbour gaps ≤ maxGap), which can differ; the evidence (reading keys); who opened,
 * acknowledged (API key id) and resolved it, and when. A TAMPERING alert's evidence is in
 * {@code messages}: the refused messages (kind, kid, boot, seq, content digest, receive time) that are
 * kept in quarantine; its first and last out-of-range times are the first and last evidence's.
 * {@code chain} is the lot's on-chain facility as the chain's events say (state, freeze with its transaction,
 * last unfreeze with the bank's reason; ADR 026), null while the lot is unlinked or nothing was read.
 */
public record AlertView(long id, long lotId, String factoryTenant, String bankTenant, String deviceId, String quantity,
        String rule, String state, Instant firstOutOfRangeAt, Instant lastOutOfRangeAt, Instant runFirstAt,
        Instant runLastAt, List<ReadingKey> evidence, Instant openedAt, String openedBy, Instant updatedAt,
        Instant acknowledgedAt, Long acknowledgedBy, Instant resolvedAt, String resolvedBy,
        List<MessageEvidence> messages, com.fasterxml.jackson.databind.JsonNode chain) {
}
