package io.sensorproof.zk.groth16.prover;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.zk.bn254.Scalar;
import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Fr's limb-array form (Poseidon's arithmetic) against the record form and BigInteger. */
class FrLimbsTest {
    private static final BigInteger R = Scalar.ORDER;
    private static final BigInteger[] EDGES = {BigInteger.ZERO, BigInteger.ONE, BigInteger.TWO, R.subtract(BigInteger.ONE),
        R.subtract(BigInteger.TWO), BigInteger.ONE.shiftLeft(253), BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE),
        BigInteger.ONE.shiftLeft(192), R.shiftRight(1)};

    @Test
    void mulAndAddEqualTheRecordFormAndBigIntegerIncludingEdgeValues() {
        Random random = new Random(47);
        for (int i = 0; i < 2000; i++) {
            int square = EDGES.length * EDGES.length;
            BigInteger x = i < square ? EDGES[i % EDGES.length] : new BigInteger(260, random).mod(R);
            BigInteger y = i < square ? EDGES[i / EDGES.length] : new BigInteger(260, random).mod(R);
            long[] v = new long[12];
            Fr.toMontgomeryLimbs(x, v, 0);
            Fr.toMontgomeryLimbs(y, v, 4);
            Fr fx = Fr.of(x);
            assertThat(new long[] {v[0], v[1], v[2], v[3]}).containsExactly(fx.l0(), fx.l1(), fx.l2(), fx.l3());
            assertThat(Fr.fromMontgomeryLimbs(v, 0)).isEqualTo(x);

            Fr.mulLimbs(v, 0, v, 4, v, 8);
            assertThat(Fr.fromMontgomeryLimbs(v, 8)).as("%s · %s", x, y).isEqualTo(x.multiply(y).mod(R));
            Fr product = fx.mul(Fr.of(y));
            assertThat(new long[] {v[8], v[9], v[10], v[11]}).containsExactly(product.l0(), product.l1(), product.l2(),
                    product.l3());

            Fr.addLimbs(v, 0, v, 4, v, 8);
            assertThat(Fr.fromMontgomeryLimbs(v, 8)).as("%s + %s", x, y).isEqualTo(x.add(y).mod(R));
            Fr sum = fx.add(Fr.of(y));
            assertThat(new long[] {v[8], v[9], v[10], v[11]}).as("%s + %s fully reduced", x, y)
                    .containsExactly(sum.l0(), sum.l1(), sum.l2(), sum.l3());
        }
    }

    @Test
    void outputMayAliasEitherInput() {
        BigInteger x = R.subtract(BigInteger.valueOf(12345));
        BigInteger y = BigInteger.ONE.shiftLeft(200).add(BigInteger.valueOf(99));
        long[] v = new long[8];
        Fr.toMontgomeryLimbs(x, v, 0);
        Fr.toMontgomeryLimbs(y, v, 4);
        Fr.mulLimbs(v, 0, v, 4, v, 4);
        assertThat(Fr.fromMontgomeryLimbs(v, 4)).isEqualTo(x.multiply(y).mod(R));
        Fr.mulLimbs(v, 0, v, 0, v, 0);
        assertThat(Fr.fromMontgomeryLimbs(v, 0)).isEqualTo(x.multiply(x).mod(R));
        Fr.toMontgomeryLimbs(x, v, 0);
        Fr.toMontgomeryLimbs(y, v, 4);
        Fr.addLimbs(v, 0, v, 4, v, 0);
        assertThat(Fr.fromMontgomeryLimbs(v, 0)).isEqualTo(x.add(y).mod(R));
    }
}
