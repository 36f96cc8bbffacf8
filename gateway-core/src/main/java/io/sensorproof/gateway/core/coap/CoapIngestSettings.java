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
 */
public record CoapIngestSettings(InetSocketAddress bindAddress, int queueCapacity, int batchMax, Duration batchLinger,
        Duration retryAfter, int maxMessageSize, int preferredBlockSize) {
    /** Largest request body assembled from blocks: the protocol's message limit. */
    public static final int MAX_BODY_BYTES = IngestPipeline.MAX_MESSAGE_BYTES;

    public CoapIngestSettings {
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

    /**
     * Defaults: queue 1,024, batches of up to 256 lingering 2 ms, Max-Age 5 s, Californium's 1,024-byte
     * messages with 512-byte blocks.
     */
    public static CoapIngestSettings defaults(InetSocketAddress bindAddress) {
        return new CoapIngestSettings(bindAddress, 1024, 256, Duration.ofMillis(2), Duration.ofSeconds(5), 1024, 512);
    }
}
