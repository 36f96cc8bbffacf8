package io.sensorproof.gateway.core.mqtt;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the MQTT ingest adapter.
 *
 * @param brokerUrl broker URL (tcp:// or ssl://)
 * @param clientId this replica's client id (unique per replica)
 * @param shareGroup shared-subscription group shared by all replicas
 * @param receiveMaximum MQTT v5 Receive Maximum: QoS 1 messages the broker may have in flight to
 *     this replica before it waits for our PUBACKs (back-pressure towards the broker)
 * @param queueCapacity messages buffered between Paho's callback and the worker; when full, the
 *     callback blocks and Paho stops reading the socket
 * @param batchMax most messages handed to the pipeline (and so to one database transaction) at once
 * @param batchLinger how long the worker waits for more messages before processing a partial batch
 * @param username broker user name, or null
 * @param password broker password, or null
 */
public record MqttIngestSettings(String brokerUrl, String clientId, String shareGroup, int receiveMaximum, int queueCapacity,
        int batchMax, Duration batchLinger, String username, char[] password) {
    public MqttIngestSettings {
        Objects.requireNonNull(brokerUrl, "brokerUrl");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(shareGroup, "shareGroup");
        if (receiveMaximum < 1 || receiveMaximum > 65535 || batchMax < 1) {
            throw new IllegalArgumentException("receive maximum 1..65535, batch size positive");
        }
        if (queueCapacity < receiveMaximum) {
            // the broker never has more than receiveMaximum messages in flight to us, so a queue
            // at least that large never blocks Paho's callback thread (which would also stall the
            // PUBACKs of our own acknowledgements)
            throw new IllegalArgumentException("queue capacity must be at least the receive maximum");
        }
    }

    /** Defaults for one replica: receive maximum 256, queue 1,024, batches of up to 256 lingering 2 ms. */
    public static MqttIngestSettings defaults(String brokerUrl, String clientId) {
        return new MqttIngestSettings(brokerUrl, clientId, "gateway", 256, 1024, 256, Duration.ofMillis(2), null, null);
    }
}
