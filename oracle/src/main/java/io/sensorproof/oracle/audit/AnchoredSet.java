package io.sensorproof.oracle.audit;

import io.sensorproof.oracle.bundle.ReadingKey;
import java.math.BigInteger;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What was anchored: a claim tree (N slots, protocol §7.6) or a commitment batch (depth 16,
 * protocol §7.5), as the gateway recorded it when it anchored (its readings in slot order and the
 * leaves it hashed), with the root the chain holds and, for a claim, the window whose every stored
 * reading the claim must contain.
 *
 * @param kind claim tree or commitment batch
 * @param treeSize N for a claim tree (ignored for a batch)
 * @param slots the readings in slot order
 * @param recordedLeaves the leaves the gateway recorded for those slots (same order and size); empty for a
 *        claim, whose record is its reading keys and public inputs (the root among them), not its leaves
 * @param chainRoot the root the chain holds for it
 * @param completeness for a claim: the device, quantity and time window it covers
 */
public record AnchoredSet(Kind kind, int treeSize, List<ReadingKey> slots, List<BigInteger> recordedLeaves,
        BigInteger chainRoot, Optional<Window> completeness) {
    /** The two anchored structures. */
    public enum Kind {
        /** A claim tree: N slots, the readings first, the empty leaf after. */
        CLAIM,
        /** A depth-16 commitment batch. */
        BATCH
    }

    /**
     * A claim's window: every stored reading of the device and quantity in [fromMillis, toMillis].
     */
    public record Window(String deviceId, int quantity, long fromMillis, long toMillis) {
        public Window {
            Objects.requireNonNull(deviceId);
        }
    }

    public AnchoredSet {
        Objects.requireNonNull(kind);
        slots = List.copyOf(slots);
        recordedLeaves = List.copyOf(recordedLeaves);
        Objects.requireNonNull(chainRoot);
        Objects.requireNonNull(completeness);
        if (slots.size() != recordedLeaves.size() && !(kind == Kind.CLAIM && recordedLeaves.isEmpty())) {
            throw new IllegalArgumentException("one recorded leaf per slot (a claim may record none)");
        }
        if (kind == Kind.CLAIM && (slots.size() > treeSize || Integer.bitCount(treeSize) != 1)) {
            throw new IllegalArgumentException("a claim tree has a power of two slots, at least its readings");
        }
    }

    /** A claim of the readings in slot order, with its tree size and window. */
    public static AnchoredSet claim(int treeSize, List<ReadingKey> slots, List<BigInteger> recordedLeaves,
            BigInteger chainRoot, Window window) {
        return new AnchoredSet(Kind.CLAIM, treeSize, slots, recordedLeaves, chainRoot, Optional.of(window));
    }

    /** A commitment batch of the readings in slot order. */
    public static AnchoredSet batch(List<ReadingKey> slots, List<BigInteger> recordedLeaves, BigInteger chainRoot) {
        return new AnchoredSet(Kind.BATCH, 0, slots, recordedLeaves, chainRoot, Optional.empty());
    }
}
