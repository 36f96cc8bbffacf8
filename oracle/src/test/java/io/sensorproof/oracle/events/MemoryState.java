package io.sensorproof.oracle.events;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The store's semantics in memory (what the gateway's PostgreSQL store does in one transaction): events
 * by key with a removed flag (a re-read of the same log un-removes it), the cursor, and checkpoints (the
 * range ends and the blocks with events).
 */
final class MemoryState implements FollowerState {
    record Stored(ChainEvent event, boolean removed) {
    }

    final Map<String, Stored> events = new LinkedHashMap<>();
    final TreeMap<Long, String> checkpoints = new TreeMap<>();
    final List<FollowStep.Refused> refused = new ArrayList<>();
    BlockRef cursor;

    @Override
    public Optional<BlockRef> cursor() {
        return Optional.ofNullable(cursor);
    }

    @Override
    public List<BlockRef> knownBlocks(long number, int limit) {
        return checkpoints.headMap(number, true).descendingMap().entrySet().stream().limit(limit)
                .map(e -> new BlockRef(e.getKey(), e.getValue())).toList();
    }

    void apply(FollowStep step) {
        if (step instanceof FollowStep.Advance a) {
            for (ChainEvent e : a.events()) {
                events.put(e.key(), new Stored(e, false));
                checkpoints.put(e.block().number(), e.block().hash());
            }
            refused.addAll(a.refused());
            checkpoints.put(a.to().number(), a.to().hash());
            cursor = a.to();
        } else if (step instanceof FollowStep.Rewind r) {
            events.replaceAll((k, s) -> s.event().block().number() >= r.lostFrom() ? new Stored(s.event(), true) : s);
            checkpoints.tailMap(r.lostFrom(), true).clear();
            cursor = r.to().orElse(null);
        }
    }

    /** Runs steps until the follower is idle (bounded). */
    void catchUp(LogFollower follower) {
        for (int i = 0; i < 1000; i++) {
            FollowStep step = follower.next(this);
            if (step instanceof FollowStep.Idle) {
                return;
            }
            apply(step);
        }
        throw new AssertionError("the follower never became idle");
    }

    /** The live (not removed) events in chain order. */
    List<ChainEvent> live() {
        return events.values().stream().filter(s -> !s.removed()).map(Stored::event)
                .sorted(Comparator.comparingLong((ChainEvent e) -> e.block().number()).thenComparingLong(ChainEvent::logIndex))
                .toList();
    }
}
