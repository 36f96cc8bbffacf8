package io.sensorproof.agent.outbox;

/**
 * What {@link Outbox#append} does when the batch does not fit in the configured capacity.
 * Neither policy ever loses a message silently.
 */
public enum OverflowPolicy {
    /** Wait for acknowledgements to free space, up to the block timeout, then throw {@link OutboxFullException}. */
    BLOCK,
    /** Delete whole oldest segments, after recording every pending message in them in {@code dropped.log}. */
    DROP_OLDEST
}
