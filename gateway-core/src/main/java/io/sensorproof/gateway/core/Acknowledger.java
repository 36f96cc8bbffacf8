package io.sensorproof.gateway.core;

/**
 * Port to the transport that publishes signed acknowledgements and rejections on the device's ack
 * topic (MQTT QoS 1) or as the CoAP response. The pipeline calls it only after the store
 * transaction committed and the quarantine entry was kept. A runtime exception is counted and
 * otherwise ignored: the device resends and gets its answer again.
 */
@FunctionalInterface
public interface Acknowledger {
    /** Publishes {@code reply}. */
    void send(Reply reply);
}
