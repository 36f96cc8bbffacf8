package io.sensorproof.agent.outbox;

import java.time.Duration;
import java.util.Objects;

/**
 * Sizing and overflow behaviour of an {@link Outbox}. Space is freed a whole segment at a time, so
 * the capacity should hold several segments.
 *
 * @param capacityBytes maximum total bytes of live segment files, positive
 * @param segmentBytes a segment is rotated before a batch would take it past this size (default 8 MiB), positive
 * @param overflow what append does when a batch does not fit (default {@link OverflowPolicy#BLOCK})
 * @param blockTimeout how long append waits for space under {@link OverflowPolicy#BLOCK} (default 30 s), not negative
 */
public record OutboxConfig(long capacityBytes, long segmentBytes, OverflowPolicy overflow, Duration blockTimeout) {
    /** Default segment size: 8 MiB. */
    public static final long DEFAULT_SEGMENT_BYTES = 8L << 20;
    /** Default wait for space under {@link OverflowPolicy#BLOCK}. */
    public static final Duration DEFAULT_BLOCK_TIMEOUT = Duration.ofSeconds(30);

    public OutboxConfig {
        Objects.requireNonNull(overflow, "overflow");
        Objects.requireNonNull(blockTimeout, "blockTimeout");
        if (capacityBytes <= 0 || segmentBytes <= 0) {
            throw new IllegalArgumentException("capacityBytes and segmentBytes must be positive: " + capacityBytes + ", " + segmentBytes);
        }
        if (blockTimeout.isNegative()) {
            throw new IllegalArgumentException("blockTimeout must not be negative: " + blockTimeout);
        }
    }

    /** The defaults for a given capacity: 8 MiB segments, {@link OverflowPolicy#BLOCK}, 30 s timeout. */
    public static OutboxConfig withCapacity(long capacityBytes) {
        return new OutboxConfig(capacityBytes, DEFAULT_SEGMENT_BYTES, OverflowPolicy.BLOCK, DEFAULT_BLOCK_TIMEOUT);
    }
}
