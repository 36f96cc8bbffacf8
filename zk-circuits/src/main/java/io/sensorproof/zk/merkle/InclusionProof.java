package io.sensorproof.zk.merkle;

import java.math.BigInteger;
import java.util.List;
import java.util.Objects;

/**
 * The path of one leaf slot: its index and the {@link BatchTree#DEPTH} siblings from the leaf's
 * sibling up to a child of the root (the circuits take them in this order).
 */
public record InclusionProof(int index, List<BigInteger> siblings) {
    public InclusionProof {
        Objects.requireNonNull(siblings);
        siblings = List.copyOf(siblings);
        if (siblings.size() != BatchTree.DEPTH) {
            throw new IllegalArgumentException("a path has " + BatchTree.DEPTH + " siblings, got " + siblings.size());
        }
        Objects.checkIndex(index, BatchTree.CAPACITY);
    }

    /** The root that {@code leaf} at this path leads to. */
    public BigInteger rootOf(BigInteger leaf) {
        BigInteger current = leaf;
        for (int level = 0; level < BatchTree.DEPTH; level++) {
            boolean right = ((index >> level) & 1) == 1;
            BigInteger sibling = siblings.get(level);
            current = right ? BatchTree.node(sibling, current) : BatchTree.node(current, sibling);
        }
        return current;
    }

    /** True when {@code leaf} sits at this path's slot under {@code root}. */
    public boolean verify(BigInteger leaf, BigInteger root) {
        return rootOf(leaf).equals(root);
    }
}
