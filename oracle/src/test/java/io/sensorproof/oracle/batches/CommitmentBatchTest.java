package io.sensorproof.oracle.batches;

import static io.sensorproof.oracle.batches.BatchReadings.T0;
import static io.sensorproof.oracle.batches.BatchReadings.reading;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.protocol.encoding.LeafEncoding;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.zk.merkle.BatchTree;
import io.sensorproof.zk.merkle.InclusionProof;
import io.sensorproof.zk.poseidon.Poseidon;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class CommitmentBatchTest {

    /** The batch in commit order: devices "b", "a", "aa" and several quantities, times and keys. */
    private static List<BatchReading> mixed() {
        long t = T0.toEpochMilli();
        return List.of(
                reading("b", 1, 5, 0, 1, t + 10, 29000, T0),
                reading("aa", 1, 1, 0, 1, t, 29001, T0),
                reading("a", 2, 0, 1, 2, t + 5, 5000, T0),
                reading("a", 2, 0, 0, 1, t + 5, 29002, T0),
                reading("a", 1, 9, 0, 1, t + 5, 29003, T0),
                reading("a", 1, 3, 0, 1, t + 1, 29004, T0),
                reading("a", 1, 3, 2, 4, t + 1, 123456789, T0),
                reading("a", 3, 0, 0, 1, t + 1, 29005, T0));
    }

    @Test
    void ordersLeavesByDeviceFieldQuantityTimeBootSeqAndIndex() {
        CommitmentBatch batch = CommitmentBatch.of(mixed());
        List<String> order = batch.members().stream().map(m -> m.reading().key().toString()).toList();
        // "a" < "b" < "aa" as device fields (big-endian integers of the ASCII bytes: shorter is smaller);
        // within "a": quantity 1 before 2 before 4, then time, then boot, seq, index
        assertThat(order).containsExactly("a/1/3/0", "a/3/0/0", "a/1/9/0", "a/2/0/0", "a/2/0/1", "a/1/3/2", "b/1/5/0", "aa/1/1/0");
        assertThat(batch.members()).extracting(CommitmentBatch.Member::slot).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
    }

    @Test
    void rootIsTheBatchTreeOfTheOrderedLeavesFromTheProtocolsLeafEncoding() {
        List<BatchReading> readings = mixed();
        List<BatchReading> sorted = new ArrayList<>(readings);
        sorted.sort(Comparator.comparing((BatchReading r) -> r.key().deviceId().length())
                .thenComparing(r -> r.key().deviceId()).thenComparingInt(BatchReading::quantity)
                .thenComparingLong(BatchReading::timeMillis).thenComparingLong(r -> r.key().boot())
                .thenComparingLong(r -> r.key().seq()).thenComparingInt(r -> r.key().recordIndex()));
        List<BigInteger> leaves = sorted.stream().map(r -> Poseidon.hash(LeafEncoding.of(r.key().deviceId(), r.key().boot(),
                r.key().seq(), r.key().recordIndex(), Quantity.byCode(r.quantity()), r.timeMillis(), r.value()).inputs())).toList();

        CommitmentBatch batch = CommitmentBatch.of(readings);
        assertThat(batch.root()).isEqualTo(BatchTree.of(leaves).root());
        assertThat(batch.members()).extracting(CommitmentBatch.Member::leaf).containsExactlyElementsOf(leaves);
        assertThat(batch.firstTimeMillis()).isEqualTo(T0.toEpochMilli());
        assertThat(batch.lastTimeMillis()).isEqualTo(T0.toEpochMilli() + 10);
    }

    @Test
    void everyMembersProofLeadsToTheRootAndNoOtherLeafDoes() {
        CommitmentBatch batch = CommitmentBatch.of(mixed());
        for (CommitmentBatch.Member m : batch.members()) {
            InclusionProof proof = batch.proof(m.slot());
            assertThat(proof.verify(m.leaf(), batch.root())).isTrue();
            assertThat(proof.verify(m.leaf().add(BigInteger.ONE), batch.root())).isFalse();
        }
    }

    @Test
    void storedNodesGiveTheSameProofsAndRefuseAWrongLength() {
        CommitmentBatch batch = CommitmentBatch.of(mixed());
        byte[] bytes = batch.nodes().toBytes();
        BatchNodes read = BatchNodes.fromBytes(batch.size(), bytes);
        assertThat(read.root()).isEqualTo(batch.root());
        for (int slot = 0; slot < batch.size() + 2; slot++) {
            assertThat(read.proof(slot)).isEqualTo(batch.proof(slot));
        }
        assertThatThrownBy(() -> BatchNodes.fromBytes(batch.size() + 1, bytes))
                .isInstanceOfSatisfying(BatchException.class, e -> assertThat(e.code()).isEqualTo(BatchError.CORRUPT_TREE));
    }

    @Test
    void refusesAReadingTwiceAndLeavesOutOfBounds() {
        List<BatchReading> twice = new ArrayList<>(mixed());
        twice.add(mixed().get(0));
        assertThatThrownBy(() -> CommitmentBatch.of(twice))
                .isInstanceOfSatisfying(BatchException.class, e -> assertThat(e.code()).isEqualTo(BatchError.DUPLICATE_READING));
        assertThatThrownBy(() -> CommitmentBatch.of(List.of(reading("a", 1, 1, 0, 1, 1L << 43, 0, T0))))
                .isInstanceOfSatisfying(BatchException.class, e -> assertThat(e.code()).isEqualTo(BatchError.LEAF_OUT_OF_BOUNDS));
        assertThatThrownBy(() -> CommitmentBatch.of(List.of()))
                .isInstanceOfSatisfying(BatchException.class, e -> assertThat(e.code()).isEqualTo(BatchError.BAD_BATCH_SIZE));
    }

    @Property(tries = 25)
    void everyReadingOfARandomBatchProvesItsInclusion(@ForAll("readings") @Size(min = 1, max = 40) List<BatchReading> readings) {
        List<BatchReading> distinct = readings.stream().filter(distinctKeys()).toList();
        CommitmentBatch batch = CommitmentBatch.of(distinct);
        List<BigInteger> leaves = batch.members().stream().map(CommitmentBatch.Member::leaf).toList();
        assertThat(batch.root()).isEqualTo(BatchTree.of(leaves).root());
        BatchNodes stored = BatchNodes.fromBytes(batch.size(), batch.nodes().toBytes());
        for (CommitmentBatch.Member m : batch.members()) {
            BigInteger leaf = Poseidon.hash(m.reading().leafInputs().inputs());
            assertThat(stored.proof(m.slot()).verify(leaf, batch.root())).isTrue();
        }
        for (int i = 1; i < batch.size(); i++) {
            assertThat(BatchReading.LEAF_ORDER.compare(batch.members().get(i - 1).reading(), batch.members().get(i).reading()))
                    .isNegative();
        }
    }

    private static Predicate<BatchReading> distinctKeys() {
        Set<ReadingKey> seen = new HashSet<>();
        return r -> seen.add(r.key());
    }

    @Provide
    Arbitrary<List<BatchReading>> readings() {
        Arbitrary<BatchReading> one = Combinators.combine(
                Arbitraries.of("a", "b", "aa", "cold-room-7", "z9"),
                Arbitraries.longs().between(0, 0xffff_ffffL),
                Arbitraries.longs().between(0, 3),
                Arbitraries.integers().between(0, 255),
                Arbitraries.of(1, 2, 4),
                Arbitraries.longs().between(0, (1L << 43) - 1),
                Arbitraries.longs().between(0, (1L << 53) - 1))
                .as((device, boot, seq, index, quantity, time, value) -> reading(device, boot, seq, index, quantity, time, value, T0));
        return one.list();
    }
}
