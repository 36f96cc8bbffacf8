package io.sensorproof.gateway.core;

import io.sensorproof.protocol.ids.Identifiers;

/**
 * The device a transport authenticated (a DTLS client certificate or raw public key), as opposed to
 * what a message claims. When an adapter knows it, the path the message arrived on must name this
 * device ({@link GatewayReason#PEER_MISMATCH} otherwise).
 *
 * @param tenant tenant id
 * @param deviceId device id
 */
public record TransportPeer(String tenant, String deviceId) {
    public TransportPeer {
        Identifiers.requireValid(tenant, "tenant id");
        Identifiers.requireValid(deviceId, "device id");
    }

    @Override
    public String toString() {
        return tenant + "/" + deviceId;
    }
}
