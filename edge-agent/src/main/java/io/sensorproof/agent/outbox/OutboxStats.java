package io.sensorproof.agent.outbox;

import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot of an outbox for status reports and metrics. Counters of dropped and kept-aside
 * messages are read back from their logs at open, so they survive restarts; repair and wait
 * counters count since this outbox was opened.
 *
 * @param depth messages waiting for an acknowledgement
 * @param bytes bytes of live segment files (the quantity {@code capacityBytes} bounds)
 * @param oldestPending oldest waiting message, if any
 * @param lastStored newest message the gateway acknowledged as stored, if any (survives restarts)
 * @param keptAside messages kept aside after a rejection
 * @param droppedMessages messages dropped by {@link OverflowPolicy#DROP_OLDEST}
 * @param droppedReadings readings in those messages
 * @param tornTailRepairs files whose torn tail (a crash mid-write) was truncated since open
 * @param corruptSegments files found damaged before their end (copied to {@code corrupt/}), or records found damaged when read back, since open
 * @param overflowWaits appends that had to wait for space under {@link OverflowPolicy#BLOCK} since open
 * @param keptAsideDiscarded of {@code keptAside}, records no longer in {@code kept-aside.log} (its size bound), ever
 * @param droppedRecordsDiscarded of {@code droppedMessages}, records no longer in {@code dropped.log} (its size bound), ever
 */
public record OutboxStats(long depth, long bytes, Optional<MessageId> oldestPending, Optional<MessageId> lastStored,
        long keptAside, long droppedMessages, long droppedReadings, long tornTailRepairs, long corruptSegments, long overflowWaits,
        long keptAsideDiscarded, long droppedRecordsDiscarded) {
    public OutboxStats {
        Objects.requireNonNull(oldestPending, "oldestPending");
        Objects.requireNonNull(lastStored, "lastStored");
    }
}
