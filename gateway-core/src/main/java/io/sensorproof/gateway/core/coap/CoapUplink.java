package io.sensorproof.gateway.core.coap;

import java.security.Principal;
import java.util.List;
import java.util.Objects;

/**
 * A CoAP request for an ingest resource, as the transport received it.
 *
 * @param path the Uri-Path segments, e.g. {@code [t, acme, d, cold-room-7, up]}
 * @param contentFormat the request's Content-Format, or -1 when it has none
 * @param payload the request body (block-wise transfers already assembled)
 * @param peer what DTLS authenticated (certificate chain or raw public key), or null for none
 */
public record CoapUplink(List<String> path, int contentFormat, byte[] payload, Principal peer) {
    public CoapUplink {
        path = List.copyOf(path);
        Objects.requireNonNull(payload, "payload");
    }

    /** The path joined with {@code /}, the form the pipeline's topic checks read. */
    public String topic() {
        return String.join("/", path);
    }

    /** True for {@code .../status}. */
    public boolean isStatus() {
        return !path.isEmpty() && "status".equals(path.get(path.size() - 1));
    }
}
