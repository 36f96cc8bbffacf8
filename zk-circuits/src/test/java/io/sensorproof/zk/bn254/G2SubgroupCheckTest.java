package io.sensorproof.zk.bn254;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.zk.reference.RefField;
import io.sensorproof.zk.reference.RefG2;
import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fast ψ-based G2 membership test agrees with the slow [r]Q = O test. */
class G2SubgroupCheckTest {
    /** Cofactor of G2 in the twist group: #E'(F_p²) = r·(2p − r). */
    private static final BigInteger COFACTOR = RefField.P.shiftLeft(1).subtract(RefField.R);
    private final Random random = new Random(4242L);

    @Test
    void acceptsSubgroupPoints() {
        for (int i = 0; i < 20; i++) {
            RefG2 q = RefG2.GENERATOR.mul(Oracle.randomBelow(random, RefField.R));
            assertThat(Oracle.fast(q).isInSubgroup()).isTrue();
        }
        assertThat(G2Point.INFINITY.isInSubgroup()).isTrue();
    }

    @Test
    void agreesWithSlowCheckOnRandomTwistPoints() {
        for (int i = 0; i < 20; i++) {
            RefG2 q = Oracle.randomTwistPoint(random);
            assertThat(q.isOnCurve()).isTrue();
            G2Point fast = Oracle.fast(q);
            assertThat(fast.isInSubgroup()).isEqualTo(q.isInSubgroup()).isFalse();
            // Clearing the cofactor lands in G2.
            RefG2 cleared = q.mul(COFACTOR);
            assertThat(Oracle.fast(cleared).isInSubgroup()).isEqualTo(cleared.isInSubgroup()).isTrue();
        }
    }

    @Test
    void rejectsSubgroupPointsShiftedBySmallOrderComponents() {
        // 10069 divides the cofactor: T = [r·h/10069]·R has order 10069 (or 1), so G2 + T is
        // off the subgroup only through a small component, the case naive tests can miss.
        BigInteger smallOrder = BigInteger.valueOf(10069);
        assertThat(COFACTOR.mod(smallOrder)).isZero();
        int found = 0;
        for (int i = 0; i < 10 && found < 3; i++) {
            RefG2 t = Oracle.randomTwistPoint(random).mul(RefField.R.multiply(COFACTOR.divide(smallOrder)));
            if (t.infinity()) {
                continue;
            }
            found++;
            assertThat(t.mul(smallOrder).infinity()).isTrue();
            RefG2 shifted = RefG2.GENERATOR.mul(Oracle.randomBelow(random, RefField.R)).add(t);
            assertThat(Oracle.fast(shifted).isInSubgroup()).isEqualTo(shifted.isInSubgroup()).isFalse();
            assertThat(Oracle.fast(t).isInSubgroup()).isFalse();
        }
        assertThat(found).isPositive();
    }
}
