package io.sensorproof.agent.outbox;

/**
 * Thrown by {@link Outbox#append} under {@link OverflowPolicy#BLOCK} when no space was freed within
 * the block timeout. Nothing of the batch was written; the caller may retry it unchanged.
 */
public final class OutboxFullException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Stable reason code. */
    public static final String CODE = "OUTBOX_FULL";

    private final long capacityBytes;
    private final long depth;

    OutboxFullException(long capacityBytes, long usedBytes, long depth, long batchBytes, long waitedMillis) {
        super(CODE + ": outbox full: capacity " + capacityBytes + " bytes, " + usedBytes + " in use, depth " + depth
                + " messages; a batch of " + batchBytes + " bytes did not fit within " + waitedMillis + " ms");
        this.capacityBytes = capacityBytes;
        this.depth = depth;
    }

    /** The configured capacity in bytes. */
    public long capacityBytes() {
        return capacityBytes;
    }

    /** Pending messages when the wait gave up. */
    public long depth() {
        return depth;
    }
}
