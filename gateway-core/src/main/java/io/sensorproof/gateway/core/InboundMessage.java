package io.sensorproof.gateway.core;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * A message as an adapter received it, before any check.
 *
 * @param topic the MQTT topic (or the CoAP path joined with {@code /}) it arrived on, as received
 * @param payload the bytes as received; kept whole in storage or quarantine
 * @param sourceConnectionId what the transport authenticated about the sender: the MQTT
 *     username or client certificate identity, the DTLS identity (the client id only when the
 *     broker binds it to credentials); never anything taken from the message itself. Quarantine
 *     quotas are keyed by it.
 * @param receivedAt gateway clock when the adapter received the message; time checks and clock
 *     skew are measured against it
 * @param transportPeer the device the transport itself authenticated (CoAP over DTLS), when it
 *     knows one; the topic must then name that device. Empty for MQTT, where a subscriber does not
 *     learn who published.
 */
public record InboundMessage(String topic, byte[] payload, String sourceConnectionId, Instant receivedAt,
        Optional<TransportPeer> transportPeer) {
    public InboundMessage {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(sourceConnectionId, "sourceConnectionId");
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(transportPeer, "transportPeer");
        payload = payload.clone();
    }

    /** A message whose transport authenticated no device (MQTT). */
    public InboundMessage(String topic, byte[] payload, String sourceConnectionId, Instant receivedAt) {
        this(topic, payload, sourceConnectionId, receivedAt, Optional.empty());
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** Payload length without copying. */
    public int size() {
        return payload.length;
    }

    byte[] payloadUnsafe() {
        return payload;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InboundMessage m && topic.equals(m.topic) && Arrays.equals(payload, m.payload)
                && sourceConnectionId.equals(m.sourceConnectionId) && receivedAt.equals(m.receivedAt)
                && transportPeer.equals(m.transportPeer);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, Arrays.hashCode(payload), sourceConnectionId, receivedAt, transportPeer);
    }

    @Override
    public String toString() {
        return "InboundMessage[" + topic + ", " + payload.length + " bytes, from " + sourceConnectionId + " at " + receivedAt + "]";
    }
}
