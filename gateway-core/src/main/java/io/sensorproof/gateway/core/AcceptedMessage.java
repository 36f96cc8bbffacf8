package io.sensorproof.gateway.core;

import io.sensorproof.protocol.ids.Identifiers;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A message that passed every check and is handed to the {@link MessageStore}: the raw signed
 * bytes (kept whole, so an audit can re-verify the signature) and the readings in stored form.
 *
 * @param tenant tenant of the registered device
 * @param deviceId id of the registered device (authenticated by the signature)
 * @param boot boot counter from the header
 * @param seq sequence number from the header
 * @param contentDigest SHA-256 of the Sig_structure, the content's identity
 * @param raw the message exactly as received
 * @param topic the topic it arrived on
 * @param sourceConnectionId the connection that delivered it
 * @param receivedAt gateway receive time
 * @param deviceTime device clock at signing, from the header
 * @param readings the readings, in record order
 */
public record AcceptedMessage(String tenant, String deviceId, long boot, long seq, ContentDigest contentDigest, byte[] raw,
        String topic, String sourceConnectionId, Instant receivedAt, Instant deviceTime, List<AcceptedReading> readings) {
    public AcceptedMessage {
        Identifiers.requireValid(tenant, "tenant id");
        Objects.requireNonNull(contentDigest, "contentDigest");
        Objects.requireNonNull(raw, "raw");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(sourceConnectionId, "sourceConnectionId");
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(deviceTime, "deviceTime");
        new MessageKey(deviceId, boot, seq);
        raw = raw.clone();
        readings = List.copyOf(readings);
        if (readings.isEmpty()) {
            throw new IllegalArgumentException("an accepted message has at least one reading");
        }
    }

    /** (device, boot, seq). */
    public MessageKey key() {
        return new MessageKey(deviceId, boot, seq);
    }

    /** Device clock minus gateway receive time: positive when the device clock is ahead. */
    public Duration clockSkew() {
        return Duration.between(receivedAt, deviceTime);
    }

    /** Number of readings flagged late. */
    public long lateReadings() {
        return readings.stream().filter(AcceptedReading::late).count();
    }

    @Override
    public byte[] raw() {
        return raw.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AcceptedMessage m && tenant.equals(m.tenant) && deviceId.equals(m.deviceId) && boot == m.boot
                && seq == m.seq && contentDigest.equals(m.contentDigest) && Arrays.equals(raw, m.raw) && topic.equals(m.topic)
                && sourceConnectionId.equals(m.sourceConnectionId) && receivedAt.equals(m.receivedAt)
                && deviceTime.equals(m.deviceTime) && readings.equals(m.readings);
    }

    @Override
    public int hashCode() {
        return Objects.hash(deviceId, boot, seq, contentDigest);
    }

    @Override
    public String toString() {
        return "AcceptedMessage[" + key() + ", digest=" + contentDigest.hex().substring(0, 16) + ", readings=" + readings.size() + "]";
    }
}
