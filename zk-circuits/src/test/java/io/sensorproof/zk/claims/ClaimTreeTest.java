package io.sensorproof.zk.claims;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.zk.merkle.BatchTree;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Claim trees: the root of a whole N-slot tree, padding with the empty leaf, and slot proofs. */
class ClaimTreeTest {
    private static List<BigInteger> leaves(int n) {
        List<BigInteger> leaves = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            leaves.add(BigInteger.valueOf(1000 + k));
        }
        return leaves;
    }

    @Test
    void rootIsTheWholeTreeWithEmptyLeavesAfterTheClaim() {
        List<BigInteger> l = leaves(3);
        BigInteger zero = BigInteger.ZERO;
        BigInteger expected = BatchTree.node(BatchTree.node(l.get(0), l.get(1)), BatchTree.node(l.get(2), zero));
        assertThat(ClaimTree.of(4, l).root()).isEqualTo(expected);
        List<BigInteger> padded = new ArrayList<>(l);
        padded.add(zero);
        assertThat(ClaimTree.of(4, padded).root()).isEqualTo(expected);
        assertThat(ClaimTree.of(8, l).root()).isEqualTo(BatchTree.node(expected, BatchTree.emptySubtree(2)));
        assertThat(ClaimTree.of(16, List.of()).root()).isEqualTo(BatchTree.emptySubtree(4));
    }

    @Test
    void everySlotHasAProofAndAChangedLeafOrSlotFailsIt() {
        ClaimTree tree = ClaimTree.of(16, leaves(11));
        for (int k = 0; k < 16; k++) {
            ClaimTree.SlotProof proof = tree.proof(k);
            assertThat(proof.siblings()).hasSize(4);
            assertThat(proof.verify(tree.leaf(k), tree.root())).isTrue();
            assertThat(proof.verify(tree.leaf(k).add(BigInteger.ONE), tree.root())).isFalse();
            ClaimTree.SlotProof moved = new ClaimTree.SlotProof(k ^ 1, proof.siblings());
            assertThat(moved.verify(tree.leaf(k), tree.root())).as("slot %d moved", k).isEqualTo(
                    tree.leaf(k).equals(tree.leaf(k ^ 1)));
        }
    }

    @Test
    void refusesSizesThatAreNotPowersOfTwoAndTooManyLeaves() {
        assertThatThrownBy(() -> ClaimTree.of(12, leaves(3))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClaimTree.of(1, leaves(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClaimTree.of(4, leaves(5))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ClaimTree.SlotProof(16, leaves(4))).isInstanceOf(IllegalArgumentException.class);
    }
}
