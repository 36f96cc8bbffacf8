package io.sensorproof.zk.merkle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.zk.poseidon.Poseidon;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchTreeTest {
    private static List<BigInteger> leaves(int n) {
        List<BigInteger> leaves = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            leaves.add(BigInteger.valueOf(1000 + i));
        }
        return leaves;
    }

    /** The root by hashing all 2^16 slots level by level, without the empty-subtree shortcut. */
    private static BigInteger naiveRoot(List<BigInteger> leaves) {
        List<BigInteger> level = new ArrayList<>(leaves);
        level.addAll(Collections.nCopies(BatchTree.CAPACITY - leaves.size(), BigInteger.ZERO));
        BigInteger[] empty = new BigInteger[BatchTree.DEPTH + 1];
        empty[0] = BigInteger.ZERO;
        for (int l = 0; l < BatchTree.DEPTH; l++) {
            empty[l + 1] = Poseidon.hash(BigInteger.TWO, empty[l], empty[l]);
        }
        for (int l = 0; l < BatchTree.DEPTH; l++) {
            List<BigInteger> up = new ArrayList<>();
            for (int i = 0; i < level.size(); i += 2) {
                BigInteger left = level.get(i);
                BigInteger right = level.get(i + 1);
                // hash only what differs from an all-empty pair, to keep the test fast
                up.add(left.equals(empty[l]) && right.equals(empty[l]) ? empty[l + 1]
                        : Poseidon.hash(BigInteger.TWO, left, right));
            }
            level = up;
        }
        return level.get(0);
    }

    @Test
    void rootEqualsTheFullTreeOfEveryBatchSize() {
        for (int n : new int[] {0, 1, 2, 3, 5, 8, 13}) {
            assertThat(BatchTree.of(leaves(n)).root()).as("%d leaves", n).isEqualTo(naiveRoot(leaves(n)));
        }
    }

    @Test
    void everySlotHasAnInclusionProofAndOthersFail() {
        BatchTree tree = BatchTree.of(leaves(7));
        for (int i = 0; i < 7; i++) {
            InclusionProof proof = tree.proof(i);
            assertThat(proof.verify(tree.leaf(i), tree.root())).isTrue();
            assertThat(proof.verify(tree.leaf((i + 1) % 7), tree.root())).isFalse();
        }
        assertThat(tree.proof(7).verify(BatchTree.EMPTY_LEAF, tree.root())).isTrue();
        assertThat(tree.proof(BatchTree.CAPACITY - 1).verify(BatchTree.EMPTY_LEAF, tree.root())).isTrue();
    }

    @Test
    void tamperedSiblingOrIndexBreaksTheProof() {
        BatchTree tree = BatchTree.of(leaves(6));
        InclusionProof proof = tree.proof(3);
        for (int level = 0; level < BatchTree.DEPTH; level++) {
            List<BigInteger> siblings = new ArrayList<>(proof.siblings());
            siblings.set(level, siblings.get(level).add(BigInteger.ONE));
            assertThat(new InclusionProof(3, siblings).verify(tree.leaf(3), tree.root())).as("level %d", level).isFalse();
        }
        assertThat(new InclusionProof(2, proof.siblings()).verify(tree.leaf(3), tree.root())).isFalse();
    }

    @Test
    void refusesMoreLeavesThanSlotsAndBadPaths() {
        assertThatThrownBy(() -> BatchTree.of(Collections.nCopies(BatchTree.CAPACITY + 1, BigInteger.ONE)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new InclusionProof(0, List.of(BigInteger.ONE))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BatchTree.of(leaves(1)).proof(BatchTree.CAPACITY)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
