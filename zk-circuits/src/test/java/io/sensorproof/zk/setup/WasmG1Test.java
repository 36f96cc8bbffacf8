package io.sensorproof.zk.setup;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.zk.bn254.Fp;
import io.sensorproof.zk.bn254.G1Point;
import io.sensorproof.zk.bn254.Scalar;
import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The emulation of wasmcurves' field words and {@code g1m_subAffine}: on words below p it is field
 * arithmetic on Montgomery forms and a point difference; above p, addition and subtraction keep 256
 * bits (the case snarkjs' {@code zkey new} reaches for n ≥ 2¹⁵, which the full-size comparison of the
 * emissions key in zk-circuits/README checks against snarkjs itself).
 */
class WasmG1Test {
    private static final BigInteger Q = Fp.MODULUS;
    private static final BigInteger WORD = BigInteger.ONE.shiftLeft(256);
    private static final BigInteger R_MOD_Q = WORD.mod(Q);

    @Test
    void wordsBelowPFollowTheField() {
        Random random = new Random(19);
        for (int i = 0; i < 200; i++) {
            BigInteger x = new BigInteger(256, random).mod(Q);
            BigInteger y = new BigInteger(256, random).mod(Q);
            assertThat(WasmG1.add(x, y)).isEqualTo(x.add(y).mod(Q));
            assertThat(WasmG1.sub(x, y)).isEqualTo(x.subtract(y).mod(Q));
            // Montgomery product: x·y/2^256 mod q
            assertThat(WasmG1.mul(x, y)).isEqualTo(x.multiply(y).multiply(R_MOD_Q.modInverse(Q)).mod(Q));
        }
    }

    @Test
    void wordsAbovePKeep256Bits() {
        BigInteger max = WORD.subtract(BigInteger.ONE);
        // x + y ≥ 2^256 + q: the carry branch subtracts q from the wrapped sum, which is no longer x + y mod q
        BigInteger sum = WasmG1.add(max, max);
        assertThat(sum).isEqualTo(max.add(max).subtract(WORD).subtract(Q));
        assertThat(sum.mod(Q)).isNotEqualTo(max.add(max).mod(Q));
        // y > x + q: the borrow branch adds q and wraps
        BigInteger difference = WasmG1.sub(BigInteger.ONE, max);
        assertThat(difference).isEqualTo(BigInteger.ONE.subtract(max).add(WORD).add(Q).mod(WORD));
        assertThat(difference.mod(Q)).isNotEqualTo(BigInteger.ONE.subtract(max).mod(Q));
        // products stay congruent (and below 2^256) whatever the words
        BigInteger product = WasmG1.mul(max, max);
        assertThat(product).isLessThan(WORD);
        assertThat(product.mod(Q)).isEqualTo(max.multiply(max).multiply(R_MOD_Q.modInverse(Q)).mod(Q));
    }

    @Test
    void onPointsItIsTheDifference() {
        G1Point g = PowersOfTau.G1;
        for (long[] pair : new long[][] {{5, 3}, {123456789, 987654321}, {7, 0}, {0, 7}}) {
            G1Point p = g.mul(Scalar.of(BigInteger.valueOf(pair[0])));
            G1Point q = g.mul(Scalar.of(BigInteger.valueOf(pair[1])));
            assertThat(WasmG1.subAffineUncompressed(DevZkeyTest.lem(p), DevZkeyTest.lem(q)))
                    .as("%d·G − %d·G", pair[0], pair[1])
                    .isEqualTo(DevZkeyTest.uncompressed(p.add(q.neg())));
        }
    }
}
