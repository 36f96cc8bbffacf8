package io.sensorproof.oracle.events;

import java.util.List;
import java.util.Optional;

/**
 * What one follower step found, for the store to apply in one transaction with the cursor: nothing new,
 * the next confirmed range read, or a rewind after the chain lost or replaced blocks the follower had read.
 */
public sealed interface FollowStep {
    /** Nothing to read: no confirmed block after the cursor. */
    record Idle(long head) implements FollowStep {
    }

    /**
     * Blocks {@code fromBlock..to} read: {@code events} in chain order (deduplicated), {@code refused} the
     * logs of followed events that did not decode (kept and counted by the store, never dropped silently);
     * the cursor moves to {@code to}.
     */
    record Advance(long fromBlock, BlockRef to, List<ChainEvent> events, List<Refused> refused) implements FollowStep {
        public Advance {
            events = List.copyOf(events);
            refused = List.copyOf(refused);
        }
    }

    /**
     * The chain no longer has the cursor's block: the cursor moves back to {@code to} (empty: before the
     * start block) and every event above it is removed; projections must be recomputed from what remains.
     * {@code lostFrom} is the first block number whose events are removed.
     */
    record Rewind(Optional<BlockRef> to, long lostFrom, BlockRef lostCursor) implements FollowStep {
    }

    /** A log of a followed event that did not decode, with the reason. */
    record Refused(ChainLog log, String reason) {
    }
}
