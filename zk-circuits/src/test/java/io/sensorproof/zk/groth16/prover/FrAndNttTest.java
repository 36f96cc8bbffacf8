package io.sensorproof.zk.groth16.prover;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.zk.bn254.Scalar;
import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrAndNttTest {
    private static final BigInteger R = Scalar.ORDER;
    private final Random random = new Random(19);

    private BigInteger randomValue() {
        return new BigInteger(260, random).mod(R);
    }

    @Test
    void frMatchesBigIntegerArithmeticIncludingEdgeValues() {
        BigInteger[] edges = {BigInteger.ZERO, BigInteger.ONE, BigInteger.TWO, R.subtract(BigInteger.ONE), R.subtract(BigInteger.TWO),
            BigInteger.ONE.shiftLeft(253), BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE)};
        for (int i = 0; i < 300; i++) {
            BigInteger x = i < edges.length * edges.length ? edges[i % edges.length] : randomValue();
            BigInteger y = i < edges.length * edges.length ? edges[i / edges.length] : randomValue();
            Fr fx = Fr.of(x);
            Fr fy = Fr.of(y);
            assertThat(fx.toBigInteger()).isEqualTo(x);
            assertThat(fx.mul(fy).toBigInteger()).isEqualTo(x.multiply(y).mod(R));
            assertThat(fx.add(fy).toBigInteger()).isEqualTo(x.add(y).mod(R));
            assertThat(fx.sub(fy).toBigInteger()).isEqualTo(x.subtract(y).mod(R));
            if (x.signum() != 0) {
                assertThat(fx.mul(fx.inverse())).isEqualTo(Fr.ONE);
            }
        }
    }

    @Test
    void rootsAreThoseOfSnarkjs() {
        // ffjavascript: nqr = smallest non-residue ≥ 2 (5 for BN254), w[28] = nqr^((r−1)/2²⁸), w[k] = w[k+1]²
        assertThat(Ntt.NON_RESIDUE).isEqualTo(Fr.of(5));
        assertThat(Ntt.root(28).toBigInteger().toString(16))
                .isEqualTo("2a3c09f0a58a7e8500e0a7eb8ef62abc402d111e41112ed49bd61b6e725b19f0");
        for (int k = 1; k <= 28; k++) {
            Fr w = Ntt.root(k);
            assertThat(w.pow(BigInteger.ONE.shiftLeft(k))).isEqualTo(Fr.ONE);
            assertThat(w.pow(BigInteger.ONE.shiftLeft(k - 1))).isEqualTo(Fr.ONE.neg());
        }
    }

    @Test
    void forwardMatchesNaiveDftAndInverseUndoesIt() {
        for (int k = 0; k <= 6; k++) {
            int n = 1 << k;
            Fr[] coefficients = randomVector(n);
            Fr[] transformed = coefficients.clone();
            Ntt.forward(transformed);
            Fr omega = Ntt.root(k);
            for (int i = 0; i < n; i++) {
                assertThat(transformed[i]).as("n=%d i=%d", n, i).isEqualTo(evaluate(coefficients, omega.pow(BigInteger.valueOf(i))));
            }
            Ntt.inverse(transformed);
            assertThat(transformed).containsExactly(coefficients);
        }
        Fr[] large = randomVector(1 << 12);
        Fr[] copy = large.clone();
        Ntt.forward(copy);
        Ntt.inverse(copy);
        assertThat(copy).containsExactly(large);
    }

    @Test
    void oddCosetEvaluatesTheInterpolantAtTheOddPowersOfTheDoubleRoot() {
        for (int k = 1; k <= 5; k++) {
            int n = 1 << k;
            Fr[] evaluations = randomVector(n);
            Fr[] coefficients = evaluations.clone();
            Ntt.inverse(coefficients);
            Fr[] coset = evaluations.clone();
            Ntt.toOddCoset(coset);
            Fr shift = Ntt.root(k + 1);
            for (int i = 0; i < n; i++) {
                Fr point = shift.pow(BigInteger.valueOf(2L * i + 1));
                assertThat(coset[i]).as("n=%d i=%d", n, i).isEqualTo(evaluate(coefficients, point));
            }
        }
    }

    private Fr[] randomVector(int n) {
        Fr[] v = new Fr[n];
        for (int i = 0; i < n; i++) {
            v[i] = Fr.of(randomValue());
        }
        return v;
    }

    private static Fr evaluate(Fr[] coefficients, Fr x) {
        Fr acc = Fr.ZERO;
        for (int i = coefficients.length - 1; i >= 0; i--) {
            acc = acc.mul(x).add(coefficients[i]);
        }
        return acc;
    }
}
