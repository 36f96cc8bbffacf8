package io.sensorproof.oracle.batches;

import io.sensorproof.zk.merkle.InclusionProof;
import io.sensorproof.zk.poseidon.Poseidon;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A commitment batch before it is stored: its readings in leaf order (protocol §7.5), each one's
 * slot and leaf hash, and the depth-16 tree over them. Building it is the expensive step of sealing
 * (two Poseidon hashes per reading), so it happens once and the nodes are kept ({@link BatchNodes}).
 */
public final class CommitmentBatch {
    /**
     * A reading's place in the batch.
     *
     * @param reading the reading
     * @param slot its leaf index (0 … size − 1)
     * @param leaf its leaf hash
     */
    public record Member(BatchReading reading, int slot, BigInteger leaf) {
        public Member {
            Objects.requireNonNull(reading, "reading");
            Objects.requireNonNull(leaf, "leaf");
        }
    }

    private final List<Member> members;
    private final BatchNodes nodes;

    private CommitmentBatch(List<Member> members, BatchNodes nodes) {
        this.members = members;
        this.nodes = nodes;
    }

    /**
     * Sorts {@code readings} into leaf order, hashes their leaves and the tree.
     *
     * @throws BatchException {@link BatchError#BAD_BATCH_SIZE} for none or more than 65,536 readings,
     *     {@link BatchError#DUPLICATE_READING} for a key given twice, {@link BatchError#LEAF_OUT_OF_BOUNDS}
     */
    public static CommitmentBatch of(List<BatchReading> readings) {
        Objects.requireNonNull(readings, "readings");
        Set<ReadingKey> seen = new HashSet<>();
        for (BatchReading r : readings) {
            if (!seen.add(r.key())) {
                throw new BatchException(BatchError.DUPLICATE_READING, "reading " + r.key() + " given twice");
            }
        }
        List<BatchReading> sorted = new ArrayList<>(readings);
        sorted.sort(BatchReading.LEAF_ORDER);
        List<BigInteger> leaves = new ArrayList<>(sorted.size());
        for (BatchReading r : sorted) {
            leaves.add(Poseidon.hash(r.leafInputs().inputs()));
        }
        BatchNodes nodes = BatchNodes.of(leaves);
        List<Member> members = new ArrayList<>(sorted.size());
        for (int slot = 0; slot < sorted.size(); slot++) {
            members.add(new Member(sorted.get(slot), slot, leaves.get(slot)));
        }
        return new CommitmentBatch(List.copyOf(members), nodes);
    }

    /** The readings in slot order. */
    public List<Member> members() {
        return members;
    }

    /** Number of readings. */
    public int size() {
        return members.size();
    }

    /** The tree's root, the value anchored on chain. */
    public BigInteger root() {
        return nodes.root();
    }

    /** All non-empty nodes of the tree. */
    public BatchNodes nodes() {
        return nodes;
    }

    /** The inclusion proof of {@code slot}. */
    public InclusionProof proof(int slot) {
        return nodes.proof(slot);
    }

    /** Earliest reading time (ms), the contract's {@code firstTime}. */
    public long firstTimeMillis() {
        return members.stream().mapToLong(m -> m.reading().timeMillis()).min().orElseThrow();
    }

    /** Latest reading time (ms), the contract's {@code lastTime}. */
    public long lastTimeMillis() {
        return members.stream().mapToLong(m -> m.reading().timeMillis()).max().orElseThrow();
    }

    /** When the earliest of its readings was received: where the batch's time window opened. */
    public Instant windowStart() {
        return members.stream().map(m -> m.reading().receivedAt()).min(Comparator.naturalOrder()).orElseThrow();
    }
}
