package io.sensorproof.gateway.core.coap;

import io.sensorproof.gateway.core.IngestPipeline;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the CoAP ingest adapter.
 *
 * @param bindAddress UDP address of the DTLS endpoint (port 0: a free port)
 * @param queueCapacity requests waiting for the pipeline; when full, new ones get 5.03 with Max-Age
 *     at once (Californium's threads never wait for the pipeline)
 * @param batchMax most messages handed to the pipeline (one database transaction) at once
 * @param batchLinger how long the worker waits for more messages before processing a partial batch
 * @param retryAfter the Max-Age of a 5.03 response: how long a device should wait before trying again
 * @param maxMessageSize largest CoAP message (Californium's MAX_MESSAGE_SIZE, default 1,024 bytes);
 *     larger request bodies must come block-wise (block1)
 * @param preferredBlockSize block size the server asks for (16..1024, a power of two)
 * @param receiveBufferBytes SO_RCVBUF asked for the DTLS socket (Scandium's DTLS_RECEIVE_BUFFER_SIZE); 0 leaves the
 *     operating system's default ({@code net.core.rmem_default}, 208 KiB on Linux), which a burst of a few hundred
 *     datagrams overflows (counted as UDP RcvbufErrors); Linux caps it at {@code net.core.rmem_max} (ADR 043)
 * @param sendBufferBytes SO_SNDBUF asked for the DTLS socket (DTLS_SEND_BUFFER_SIZE); 0: the OS default; capped at
 *     {@code net.core.wmem_max}
 */
public record CoapIngestSettings(InetSocketAddress bindAddress, int queueCapacity, int batchMax, Duration batchLinger,
        Duration retryAfter, int maxMessageSize, int preferredBlockSize, int receiveBufferBytes, int sendBufferBytes) {
    /** Largest request body assembled from blocks: the protocol's message limit. */
    public static final int MAX_BODY_BYTES = IngestPipeline.MAX_MESSAGE_BYTES;
    /** Default SO_RCVBUF of the DTLS socket: 4 MiB (a host needs {@code net.core.rmem_max} at least this). */
    public static final int DEFAULT_RECEIVE_BUFFER_BYTES = 4 << 20;
    /** Default SO_SNDBUF of the DTLS socket: 1 MiB ({@code net.core.wmem_max} at least this). */
    public static final int DEFAULT_SEND_BUFFER_BYTES = 1 << 20;

    /** Settings with the default socket buffers. */
    public CoapIngestSettings(InetSocketAddress bindAddress, int queueCapacity, int batchMax, Duration batchLinger, Duration retryAfter,
            int maxMessageSize, int preferredBlockSize) {
        this(bindAddress, queueCapacity, batchMax, batchLinger, retryAfter, maxMessageSize, preferredBlockSize, DEFAULT_RECEIVE_BUFFER_BYTES,
                DEFAULT_SEND_BUFFER_BYTES);
    }

    public CoapIngestSettings {
        if (receiveBufferBytes < 0 || sendBufferBytes < 0) {
            throw new IllegalArgumentException("socket buffer sizes must be 0 (the OS default) or positive: " + receiveBufferBytes + ", "
                    + sendBufferBytes);
        }
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(batchLinger, "batchLinger");
        Objects.requireNonNull(retryAfter, "retryAfter");
        if (queueCapacity < 1 || batchMax < 1) {
            throw new IllegalArgumentException("queue capacity and batch size must be positive");
        }
        if (retryAfter.isNegative() || retryAfter.toSeconds() > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("retry-after must be 0..2^32-1 seconds (CoAP Max-Age)");
        }
        if (preferredBlockSize < 16 || preferredBlockSize > 1024 || Integer.bitCount(preferredBlockSize) != 1) {
            throw new IllegalArgumentException("block size must be a power of two in 16..1024");
        }
        if (maxMessageSize < preferredBlockSize + 64) {
            throw new IllegalArgumentException("max message size must leave room for a block and the CoAP header");
        }
    }

    /** The same settings with other DTLS socket buffer sizes (0: the OS default). */
    public CoapIngestSettings withSocketBuffers(int receiveBytes, int sendBytes) {
        return new CoapIngestSettings(bindAddress, queueCapacity, batchMax, batchLinger, retryAfter, maxMessageSize, preferredBlockSize,
                receiveBytes, sendBytes);
    }

    /**
     * Defaults: queue 1,024, batches of up to 256 lingering 2 ms, Max-Age 5 s, Californium's 1,024-byte
     * messages with 512-byte blocks, socket buffers of 4 MiB (receive) and 1 MiB (send).
     */
    public static CoapIngestSettings defaults(InetSocketAddress bindAddress) {
        return new CoapIngestSettings(bindAddress, 1024, 256, Duration.ofMillis(2), Duration.ofSeconds(5), 1024, 512);
    }
}
