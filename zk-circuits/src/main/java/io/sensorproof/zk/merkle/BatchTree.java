package io.sensorproof.zk.merkle;

import io.sensorproof.zk.poseidon.Poseidon;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The batch tree of docs/protocol.md §7.4: a binary Poseidon tree of fixed depth {@value #DEPTH}
 * (65,536 leaf slots), {@code node = Poseidon(2, left, right)}, leaves at indices 0…n−1 and every
 * other slot the empty leaf 0. Only non-empty subtrees are hashed; empty ones use the precomputed
 * {@link #emptySubtree(int)} roots, so a small batch costs about 2n hashes.
 */
public final class BatchTree {
    /** Depth of every batch tree (the circuits are compiled for it). */
    public static final int DEPTH = 16;
    /** Number of leaf slots. */
    public static final int CAPACITY = 1 << DEPTH;
    /** Domain tag of inner nodes. */
    public static final BigInteger NODE_TAG = BigInteger.TWO;
    /** The empty leaf. */
    public static final BigInteger EMPTY_LEAF = BigInteger.ZERO;
    private static final BigInteger[] EMPTY = new BigInteger[DEPTH + 1];

    static {
        EMPTY[0] = EMPTY_LEAF;
        for (int level = 0; level < DEPTH; level++) {
            EMPTY[level + 1] = node(EMPTY[level], EMPTY[level]);
        }
    }

    /** levels[0] are the leaves; levels[l] the non-empty prefix of the nodes at height l. */
    private final List<List<BigInteger>> levels;

    private BatchTree(List<List<BigInteger>> levels) {
        this.levels = levels;
    }

    /**
     * Builds the tree over leaf hashes in batch order.
     *
     * @throws IllegalArgumentException for more than {@link #CAPACITY} leaves
     */
    public static BatchTree of(List<BigInteger> leaves) {
        Objects.requireNonNull(leaves);
        if (leaves.size() > CAPACITY) {
            throw new IllegalArgumentException("a batch holds at most " + CAPACITY + " leaves, got " + leaves.size());
        }
        List<List<BigInteger>> levels = new ArrayList<>(DEPTH + 1);
        levels.add(List.copyOf(leaves));
        for (int level = 0; level < DEPTH; level++) {
            List<BigInteger> below = levels.get(level);
            List<BigInteger> above = new ArrayList<>((below.size() + 1) / 2);
            for (int i = 0; i < below.size(); i += 2) {
                BigInteger right = i + 1 < below.size() ? below.get(i + 1) : EMPTY[level];
                above.add(node(below.get(i), right));
            }
            levels.add(above);
        }
        return new BatchTree(levels);
    }

    /** {@code Poseidon(2, left, right)}. */
    public static BigInteger node(BigInteger left, BigInteger right) {
        return Poseidon.hash(NODE_TAG, left, right);
    }

    /** Root of an empty subtree of height {@code level} (0 is the empty leaf). */
    public static BigInteger emptySubtree(int level) {
        return EMPTY[level];
    }

    /** Number of leaves (the rest of the slots are empty). */
    public int size() {
        return levels.get(0).size();
    }

    /** Leaf hash at {@code index}, the empty leaf past {@link #size()}. */
    public BigInteger leaf(int index) {
        return nodeAt(0, index);
    }

    public BigInteger root() {
        List<BigInteger> top = levels.get(DEPTH);
        return top.isEmpty() ? EMPTY[DEPTH] : top.get(0);
    }

    /**
     * The inclusion proof of slot {@code index} (a filled or an empty slot).
     *
     * @throws IndexOutOfBoundsException outside [0, {@link #CAPACITY})
     */
    public InclusionProof proof(int index) {
        Objects.checkIndex(index, CAPACITY);
        List<BigInteger> siblings = new ArrayList<>(DEPTH);
        int position = index;
        for (int level = 0; level < DEPTH; level++) {
            siblings.add(nodeAt(level, position ^ 1));
            position >>= 1;
        }
        return new InclusionProof(index, siblings);
    }

    private BigInteger nodeAt(int level, int position) {
        List<BigInteger> nodes = levels.get(level);
        return position < nodes.size() ? nodes.get(position) : EMPTY[level];
    }
}
