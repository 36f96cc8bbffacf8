package io.sensorproof.protocol.cbor;

/**
 * Resource limits applied to every CBOR item the protocol decodes.
 *
 * @param maxBytes maximum encoded size in bytes
 * @param maxDepth maximum nesting of arrays, maps and tags (a scalar at top level has depth 1)
 * @param maxItems maximum number of data items in the whole encoding
 */
public record CborLimits(int maxBytes, int maxDepth, int maxItems) {

    /** Limits for device messages and acknowledgements: 16 KiB, depth 6, 4,096 items. */
    public static final CborLimits MESSAGE = new CborLimits(16 * 1024, 6, 4096);

    public CborLimits {
        if (maxBytes < 1 || maxDepth < 1 || maxItems < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }
}
