package io.sensorproof.gateway.coap;

import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * Settings of CoAP over DTLS ingestion ({@code sensorproof.coap.*}): a group of the one mapping
 * {@link io.sensorproof.gateway.GatewaySettings}, injectable on its own through
 * {@link io.sensorproof.gateway.SettingsProducer}.
 */
public interface CoapConfig {

    /** Serve CoAP over DTLS (standalone and external mode alike). */
    @WithDefault("true")
    boolean enabled();

    /** UDP address to bind. */
    @WithDefault("0.0.0.0")
    String bindAddress();

    /** UDP port of the DTLS endpoint (5684 is coaps' default); 0 picks a free port. */
    @WithDefault("5684")
    int port();

    /** Requests waiting for the pipeline; when full, new requests get 5.03 with Max-Age. */
    @WithDefault("1024")
    int queueCapacity();

    /** Most messages per pipeline batch (one database transaction). */
    @WithDefault("256")
    int batchMax();

    /** How long a partial batch waits for more messages. */
    @WithDefault("2ms")
    Duration batchLinger();

    /** Max-Age of a 5.03 response: how long devices wait before trying again. */
    @WithDefault("5s")
    Duration retryAfter();

    /** Largest CoAP message (Californium MAX_MESSAGE_SIZE); larger bodies arrive block-wise. */
    @WithDefault("1024")
    int maxMessageSize();

    /** Block size the server prefers for block-wise transfers (16..1024, power of two). */
    @WithDefault("512")
    int blockSize();

    /**
     * SO_RCVBUF asked for the DTLS socket, in bytes; 0 keeps the OS default ({@code net.core.rmem_default}, 208 KiB on
     * Linux), which bursts overflow (UDP RcvbufErrors). Linux caps it at {@code net.core.rmem_max}: see
     * {@code deploy/sysctl/90-sensorproof-coap.conf} (ADR 043).
     */
    @WithDefault("4194304")
    int receiveBufferBytes();

    /** SO_SNDBUF asked for the DTLS socket, in bytes; 0 keeps the OS default; capped at {@code net.core.wmem_max}. */
    @WithDefault("1048576")
    int sendBufferBytes();

    /** PEM file of device CA certificates trusted for client certificates; absent: only raw public keys are accepted. */
    Optional<String> trustFile();

    /** PKCS#8 file of the gateway's DTLS key; default {@code <data-dir>/coap-server-key.p8}, created (P-256, 0600) on first start. */
    Optional<String> serverKeyFile();

    /** PEM certificate chain of that key; default {@code <data-dir>/coap-server.pem}, self-signed, created with the key. */
    Optional<String> serverCertificateFile();
}
