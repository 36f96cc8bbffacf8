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
 * @param sessionExpiry how long the broker keeps this replica's session (its shared subscription
 *     and the QoS 1 messages queued or in flight for it) after a connection ends; zero starts every
 *     connection clean, so whatever the broker held for the replica is dropped (ADR 028). A
 *     persistent session needs a client id that stays the same across restarts.
 */
public record MqttIngestSettings(String brokerUrl, String clientId, String shareGroup, int receiveMaximum, int queueCapacity,
        int batchMax, Duration batchLinger, String username, char[] password, Duration sessionExpiry) {
    /** MQTT v5 caps the Session Expiry Interval at 2^32 - 1 seconds (that value means "never"). */
    private static final long MAX_SESSION_EXPIRY_SECONDS = 0xFFFF_FFFFL;

    public MqttIngestSettings {
        Objects.requireNonNull(brokerUrl, "brokerUrl");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(shareGroup, "shareGroup");
        Objects.requireNonNull(sessionExpiry, "sessionExpiry");
        if (sessionExpiry.isNegative() || sessionExpiry.toSeconds() > MAX_SESSION_EXPIRY_SECONDS) {
            throw new IllegalArgumentException("session expiry must be 0 to 2^32-1 seconds, was " + sessionExpiry);
        }
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

    /** Settings with a clean session on every connection (no session expiry). */
    public MqttIngestSettings(String brokerUrl, String clientId, String shareGroup, int receiveMaximum, int queueCapacity,
            int batchMax, Duration batchLinger, String username, char[] password) {
        this(brokerUrl, clientId, shareGroup, receiveMaximum, queueCapacity, batchMax, batchLinger, username, password, Duration.ZERO);
    }

    /** Defaults for one replica: receive maximum 256, queue 1,024, batches of up to 256 lingering 2 ms, clean sessions. */
    public static MqttIngestSettings defaults(String brokerUrl, String clientId) {
        return new MqttIngestSettings(brokerUrl, clientId, "gateway", 256, 1024, 256, Duration.ofMillis(2), null, null);
    }

    /** These settings with a persistent session kept {@code expiry} after a connection ends (ADR 028). */
    public MqttIngestSettings withSessionExpiry(Duration expiry) {
        return new MqttIngestSettings(brokerUrl, clientId, shareGroup, receiveMaximum, queueCapacity, batchMax, batchLinger, username,
                password, expiry);
    }

    /** True when the broker keeps the session between connections. */
    public boolean persistentSession() {
        return !sessionExpiry.isZero();
    }
}
