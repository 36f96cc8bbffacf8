package io.sensorproof.oracle.events;

import java.util.List;
import java.util.Optional;

/**
 * What the follower has already applied, as its store keeps it: the cursor (the last block read, by
 * number and hash) and earlier checkpoints (blocks it read up to, and blocks with events), so that after
 * a reorganisation it can find the newest block the chain still has.
 */
public interface FollowerState {
    /** The last block read; empty before the first step (or after a rewind past the start block). */
    Optional<BlockRef> cursor();

    /**
     * Known blocks at or below {@code number}, newest first, at most {@code limit}: the candidates for the
     * newest common block after a reorganisation.
     */
    List<BlockRef> knownBlocks(long number, int limit);
}
