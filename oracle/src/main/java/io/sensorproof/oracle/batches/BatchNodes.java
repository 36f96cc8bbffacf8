package io.sensorproof.oracle.batches;

import io.sensorproof.zk.merkle.BatchTree;
import io.sensorproof.zk.merkle.InclusionProof;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Every non-empty node of a batch tree (protocol §7.5, {@link BatchTree}'s hashing), kept so that an
 * inclusion proof is read, not recomputed: with the Java Poseidon a full batch costs minutes of
 * hashing (oracle/README.md, "Commitment batches"), 16 lookups cost nothing. Serialized as the
 * non-empty prefix of each level, leaves first, 32 bytes big-endian per node: about 2n + 16 nodes for
 * n leaves (64 bytes per reading).
 */
public final class BatchNodes {
    private static final int NODE_BYTES = 32;
    /** levels.get(l) is the non-empty prefix of the nodes at height l: ceil(n / 2^l) of them. */
    private final List<List<BigInteger>> levels;

    private BatchNodes(List<List<BigInteger>> levels) {
        this.levels = levels;
    }

    /**
     * Hashes the tree over {@code leaves} in slot order.
     *
     * @throws BatchException {@link BatchError#BAD_BATCH_SIZE} for no leaves or more than 65,536
     */
    public static BatchNodes of(List<BigInteger> leaves) {
        Objects.requireNonNull(leaves, "leaves");
        checkSize(leaves.size());
        List<List<BigInteger>> levels = new ArrayList<>(BatchTree.DEPTH + 1);
        levels.add(List.copyOf(leaves));
        for (int level = 0; level < BatchTree.DEPTH; level++) {
            List<BigInteger> below = levels.get(level);
            List<BigInteger> above = new ArrayList<>((below.size() + 1) / 2);
            for (int i = 0; i < below.size(); i += 2) {
                BigInteger right = i + 1 < below.size() ? below.get(i + 1) : BatchTree.emptySubtree(level);
                above.add(BatchTree.node(below.get(i), right));
            }
            levels.add(List.copyOf(above));
        }
        return new BatchNodes(levels);
    }

    /**
     * Reads nodes written by {@link #toBytes()} for a batch of {@code size} leaves.
     *
     * @throws BatchException {@link BatchError#CORRUPT_TREE} when the length does not fit {@code size}
     *     or a node is not below 2²⁵⁶ (every node is checked against the root by the caller's proof)
     */
    public static BatchNodes fromBytes(int size, byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        checkSize(size);
        if (bytes.length != (long) nodeCount(size) * NODE_BYTES) {
            throw new BatchException(BatchError.CORRUPT_TREE, "stored tree of " + bytes.length + " bytes does not fit a batch of "
                    + size + " readings (" + nodeCount(size) * NODE_BYTES + " bytes)");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        List<List<BigInteger>> levels = new ArrayList<>(BatchTree.DEPTH + 1);
        byte[] node = new byte[NODE_BYTES];
        for (int level = 0; level <= BatchTree.DEPTH; level++) {
            int count = levelSize(size, level);
            List<BigInteger> nodes = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                in.get(node);
                nodes.add(new BigInteger(1, node));
            }
            levels.add(List.copyOf(nodes));
        }
        return new BatchNodes(levels);
    }

    /** The nodes, level by level from the leaves up, 32 bytes each. */
    public byte[] toBytes() {
        ByteBuffer out = ByteBuffer.allocate(nodeCount(size()) * NODE_BYTES);
        for (List<BigInteger> level : levels) {
            for (BigInteger node : level) {
                byte[] raw = node.toByteArray();
                int skip = raw.length > NODE_BYTES ? raw.length - NODE_BYTES : 0;
                out.position(out.position() + NODE_BYTES - (raw.length - skip));
                out.put(raw, skip, raw.length - skip);
            }
        }
        return out.array();
    }

    /** Number of leaves. */
    public int size() {
        return levels.get(0).size();
    }

    /** The leaf in {@code slot}, the empty leaf past {@link #size()}. */
    public BigInteger leaf(int slot) {
        return nodeAt(0, slot);
    }

    /** The root. */
    public BigInteger root() {
        return levels.get(BatchTree.DEPTH).get(0);
    }

    /** The inclusion proof of {@code slot}: its index and the 16 siblings from the leaf's up. */
    public InclusionProof proof(int slot) {
        Objects.checkIndex(slot, BatchTree.CAPACITY);
        List<BigInteger> siblings = new ArrayList<>(BatchTree.DEPTH);
        int position = slot;
        for (int level = 0; level < BatchTree.DEPTH; level++) {
            siblings.add(nodeAt(level, position ^ 1));
            position >>= 1;
        }
        return new InclusionProof(slot, siblings);
    }

    private BigInteger nodeAt(int level, int position) {
        List<BigInteger> nodes = levels.get(level);
        return position < nodes.size() ? nodes.get(position) : BatchTree.emptySubtree(level);
    }

    private static int levelSize(int size, int level) {
        return (size + (1 << level) - 1) >> level;
    }

    private static int nodeCount(int size) {
        int count = 0;
        for (int level = 0; level <= BatchTree.DEPTH; level++) {
            count += levelSize(size, level);
        }
        return count;
    }

    private static void checkSize(int size) {
        if (size < 1 || size > BatchTree.CAPACITY) {
            throw new BatchException(BatchError.BAD_BATCH_SIZE, "a batch holds 1 to " + BatchTree.CAPACITY + " readings, got " + size);
        }
    }
}
