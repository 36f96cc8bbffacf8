package io.sensorproof.zk.claims;

import io.sensorproof.zk.merkle.BatchTree;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A claim tree (docs/protocol.md §7.6): a binary Poseidon tree of exactly {@code size} slots (a
 * power of two), the claim's leaves in slots 0…n−1 and the empty leaf 0 after them, with the node
 * hash of the batch tree. The claim circuits rebuild the whole tree, so its root is theirs; the
 * slot proofs let an auditor check that a stored reading is the one a claim counted.
 */
public final class ClaimTree {
    private final List<List<BigInteger>> levels;

    private ClaimTree(List<List<BigInteger>> levels) {
        this.levels = levels;
    }

    /**
     * The tree of {@code size} slots holding {@code leaves} (leaf hashes, or 0 for an empty slot)
     * in slots 0…leaves.size()−1 and the empty leaf after them.
     */
    public static ClaimTree of(int size, List<BigInteger> leaves) {
        Objects.requireNonNull(leaves);
        if (size < 2 || Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("a claim tree has a power of two (at least 2) slots, not " + size);
        }
        if (leaves.size() > size) {
            throw new IllegalArgumentException(leaves.size() + " leaves do not fit " + size + " slots");
        }
        List<BigInteger> level = new ArrayList<>(leaves);
        level.forEach(Objects::requireNonNull);
        while (level.size() < size) {
            level.add(BatchTree.EMPTY_LEAF);
        }
        List<List<BigInteger>> levels = new ArrayList<>();
        levels.add(List.copyOf(level));
        while (level.size() > 1) {
            List<BigInteger> parent = new ArrayList<>(level.size() / 2);
            for (int i = 0; i < level.size(); i += 2) {
                parent.add(BatchTree.node(level.get(i), level.get(i + 1)));
            }
            levels.add(List.copyOf(parent));
            level = parent;
        }
        return new ClaimTree(List.copyOf(levels));
    }

    /** Number of slots. */
    public int size() {
        return levels.get(0).size();
    }

    /** The leaf in {@code slot} (0 when empty). */
    public BigInteger leaf(int slot) {
        return levels.get(0).get(Objects.checkIndex(slot, size()));
    }

    public BigInteger root() {
        return levels.get(levels.size() - 1).get(0);
    }

    /** The inclusion proof of {@code slot}: its siblings from the leaf's up to a child of the root. */
    public SlotProof proof(int slot) {
        Objects.checkIndex(slot, size());
        List<BigInteger> siblings = new ArrayList<>();
        int index = slot;
        for (int level = 0; level < levels.size() - 1; level++) {
            siblings.add(levels.get(level).get(index ^ 1));
            index >>= 1;
        }
        return new SlotProof(slot, siblings);
    }

    /**
     * The path of one slot of a claim tree: its index and the siblings from the leaf's sibling up to
     * a child of the root (bit l of the slot says whether the node at height l is a right child).
     */
    public record SlotProof(int slot, List<BigInteger> siblings) {
        public SlotProof {
            siblings = List.copyOf(siblings);
            if (siblings.isEmpty() || siblings.size() > 30 || slot < 0 || slot >= 1 << siblings.size()) {
                throw new IllegalArgumentException("slot " + slot + " does not fit " + siblings.size() + " levels");
            }
        }

        /** The root that {@code leaf} in this slot leads to. */
        public BigInteger rootOf(BigInteger leaf) {
            BigInteger current = Objects.requireNonNull(leaf);
            for (int level = 0; level < siblings.size(); level++) {
                boolean right = ((slot >> level) & 1) == 1;
                BigInteger sibling = siblings.get(level);
                current = right ? BatchTree.node(sibling, current) : BatchTree.node(current, sibling);
            }
            return current;
        }

        /** True when {@code leaf} sits in this slot under {@code root}. */
        public boolean verify(BigInteger leaf, BigInteger root) {
            return rootOf(leaf).equals(root);
        }
    }
}
