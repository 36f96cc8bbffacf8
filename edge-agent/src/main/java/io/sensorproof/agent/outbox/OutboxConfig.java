package io.sensorproof.agent.outbox;

import java.time.Duration;
import java.util.Objects;

/**
 * Sizing and overflow behaviour of an {@link Outbox}. Space is freed a whole segment at a time, so
 * the capacity should hold several segments. The two logs of messages that left the outbox without
 * an acknowledgement are bounded too: a device whose every message is rejected (a wrong clock gives
 * FUTURE_TIMESTAMP, which is final) must not fill its disk.
 *
 * @param capacityBytes maximum total bytes of live segment files, positive
 * @param segmentBytes a segment is rotated before a batch would take it past this size (default 8 MiB), positive
 * @param overflow what append does when a batch does not fit (default {@link OverflowPolicy#BLOCK})
 * @param blockTimeout how long append waits for space under {@link OverflowPolicy#BLOCK} (default 30 s), not negative
 * @param keptAsideMaxBytes when {@code kept-aside.log} grows past this it is rewritten to its newest half (plus the
 *     records of rejected messages still in a live segment); the discarded are counted (default 16 MiB, at least
 *     {@link #MIN_KEPT_ASIDE_MAX_BYTES}, so the newest record always survives)
 * @param droppedLogMaxBytes the same bound for {@code dropped.log} (default 1 MiB, at least {@link #MIN_DROPPED_LOG_MAX_BYTES})
 */
public record OutboxConfig(long capacityBytes, long segmentBytes, OverflowPolicy overflow, Duration blockTimeout, long keptAsideMaxBytes,
        long droppedLogMaxBytes) {
    /** Default segment size: 8 MiB. */
    public static final long DEFAULT_SEGMENT_BYTES = 8L << 20;
    /** Default wait for space under {@link OverflowPolicy#BLOCK}. */
    public static final Duration DEFAULT_BLOCK_TIMEOUT = Duration.ofSeconds(30);
    /** Default bound of {@code kept-aside.log}: 16 MiB. */
    public static final long DEFAULT_KEPT_ASIDE_MAX_BYTES = 16L << 20;
    /** Default bound of {@code dropped.log}: 1 MiB (about 32,000 records). */
    public static final long DEFAULT_DROPPED_LOG_MAX_BYTES = 1L << 20;
    /** Smallest bound of {@code kept-aside.log}: two of the largest records. */
    public static final long MIN_KEPT_ASIDE_MAX_BYTES = 2L * RecordCodec.frameBytes(RecordCodec.MAX_BODY);
    /** Smallest bound of {@code dropped.log}. */
    public static final long MIN_DROPPED_LOG_MAX_BYTES = 4L << 10;

    /** A configuration with the default bounds of the kept-aside and dropped logs. */
    public OutboxConfig(long capacityBytes, long segmentBytes, OverflowPolicy overflow, Duration blockTimeout) {
        this(capacityBytes, segmentBytes, overflow, blockTimeout, DEFAULT_KEPT_ASIDE_MAX_BYTES, DEFAULT_DROPPED_LOG_MAX_BYTES);
    }

    public OutboxConfig {
        Objects.requireNonNull(overflow, "overflow");
        Objects.requireNonNull(blockTimeout, "blockTimeout");
        if (capacityBytes <= 0 || segmentBytes <= 0) {
            throw new IllegalArgumentException("capacityBytes and segmentBytes must be positive: " + capacityBytes + ", " + segmentBytes);
        }
        if (keptAsideMaxBytes < MIN_KEPT_ASIDE_MAX_BYTES || droppedLogMaxBytes < MIN_DROPPED_LOG_MAX_BYTES) {
            throw new IllegalArgumentException("keptAsideMaxBytes must be at least " + MIN_KEPT_ASIDE_MAX_BYTES
                    + " and droppedLogMaxBytes at least " + MIN_DROPPED_LOG_MAX_BYTES + ": " + keptAsideMaxBytes + ", " + droppedLogMaxBytes);
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
