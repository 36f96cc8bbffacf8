package io.sensorproof.oracle.batches;

import io.sensorproof.zk.merkle.BatchTree;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * When readings form a commitment batch. Readings are taken in the order they were committed; a
 * batch is sealed with the first {@code maxSize} pending readings as soon as that many are pending,
 * or with all pending readings once {@code window} has passed since the earliest of them was
 * received. Every reading is pending until a batch takes it, so none is left out, and a batch only
 * takes pending readings, so none is in two.
 *
 * @param maxSize most readings per batch, 1 … 65,536 (the depth-16 tree's slots)
 * @param window longest time a received reading waits for its batch to be sealed (positive)
 */
public record BatchPolicy(int maxSize, Duration window) {
    public BatchPolicy {
        Objects.requireNonNull(window, "window");
        if (maxSize < 1 || maxSize > BatchTree.CAPACITY) {
            throw new IllegalArgumentException("batch size must be in [1, " + BatchTree.CAPACITY + "]: " + maxSize);
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("batch window must be positive: " + window);
        }
    }

    /**
     * The readings of the batch to seal now, if one is due.
     *
     * @param pending readings not in any batch, in commit order (only the first {@code maxSize} are looked at)
     * @param now the current time
     * @return the first {@code maxSize} pending readings when that many are pending; all of them when
     *     the window of the earliest received one has elapsed; empty otherwise
     */
    public Optional<List<BatchReading>> due(List<BatchReading> pending, Instant now) {
        Objects.requireNonNull(pending, "pending");
        Objects.requireNonNull(now, "now");
        if (pending.size() >= maxSize) {
            return Optional.of(List.copyOf(pending.subList(0, maxSize)));
        }
        if (pending.isEmpty()) {
            return Optional.empty();
        }
        Instant opened = pending.stream().map(BatchReading::receivedAt).min(Comparator.naturalOrder()).orElseThrow();
        return now.isBefore(opened.plus(window)) ? Optional.empty() : Optional.of(List.copyOf(pending));
    }
}
