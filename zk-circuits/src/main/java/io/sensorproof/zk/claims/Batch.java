package io.sensorproof.zk.claims;

import io.sensorproof.zk.merkle.BatchTree;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/** The leaves of a batch in batch order and their {@link BatchTree}: what the oracle commits. */
public final class Batch {
    private final List<LeafFields> leaves;
    private final BatchTree tree;

    private Batch(List<LeafFields> leaves) {
        this.leaves = List.copyOf(leaves);
        List<BigInteger> hashes = new ArrayList<>(leaves.size());
        for (LeafFields leaf : this.leaves) {
            hashes.add(leaf.hash());
        }
        this.tree = BatchTree.of(hashes);
    }

    /** Sorts {@code readings} in {@link CommittedReading#BATCH_ORDER} and builds the tree. */
    public static Batch of(Collection<CommittedReading> readings) {
        Objects.requireNonNull(readings);
        List<LeafFields> leaves = readings.stream().sorted(CommittedReading.BATCH_ORDER)
                .map(CommittedReading::fields).toList();
        return new Batch(leaves);
    }

    /** A batch of leaves exactly in the order given (no sorting, no bound checks). */
    public static Batch ofLeaves(List<LeafFields> leaves) {
        return new Batch(Objects.requireNonNull(leaves));
    }

    public List<LeafFields> leaves() {
        return leaves;
    }

    public BatchTree tree() {
        return tree;
    }

    public BigInteger root() {
        return tree.root();
    }
}
