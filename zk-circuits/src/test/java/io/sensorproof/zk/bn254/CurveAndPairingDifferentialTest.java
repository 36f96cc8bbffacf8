package io.sensorproof.zk.bn254;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.zk.reference.RefField;
import io.sensorproof.zk.reference.RefG1;
import io.sensorproof.zk.reference.RefG2;
import io.sensorproof.zk.reference.RefPairing;
import java.math.BigInteger;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Curve arithmetic and pairing agree with the reference on random points. */
class CurveAndPairingDifferentialTest {
    private final Random random = new Random(77L);

    private BigInteger randomScalar() {
        return Oracle.randomBelow(random, RefField.R);
    }

    @Test
    void g1ArithmeticMatchesReference() {
        for (int i = 0; i < 20; i++) {
            RefG1 p = RefG1.GENERATOR.mul(randomScalar());
            RefG1 q = RefG1.GENERATOR.mul(randomScalar());
            BigInteger k = randomScalar();
            assertThat(Oracle.ref(Oracle.fast(p).add(Oracle.fast(q)))).isEqualTo(p.add(q));
            assertThat(Oracle.ref(Oracle.fast(p).add(Oracle.fast(p)))).isEqualTo(p.add(p));
            assertThat(Oracle.fast(p).add(Oracle.fast(p).neg()).infinity()).isTrue();
            assertThat(Oracle.ref(Oracle.fast(p).mul(Scalar.of(k)))).isEqualTo(p.mul(k));
            assertThat(Oracle.fast(p).isOnCurve()).isTrue();
        }
        assertThat(Oracle.fast(RefG1.GENERATOR).mul(Scalar.of(RefField.R)).infinity()).isTrue();
    }

    @Test
    void g2ArithmeticMatchesReference() {
        for (int i = 0; i < 5; i++) {
            RefG2 p = RefG2.GENERATOR.mul(randomScalar());
            RefG2 q = RefG2.GENERATOR.mul(randomScalar());
            BigInteger k = randomScalar();
            assertThat(Oracle.ref(Oracle.fast(p).add(Oracle.fast(q)))).isEqualTo(p.add(q));
            assertThat(Oracle.ref(Oracle.fast(p).add(Oracle.fast(p)))).isEqualTo(p.add(p));
            assertThat(Oracle.ref(Oracle.fast(p).mul(Scalar.of(k)))).isEqualTo(p.mul(k));
            assertThat(Oracle.fast(p).isOnCurve()).isTrue();
            // ψ acts as [p] on G2.
            assertThat(Oracle.ref(Oracle.fast(p).psi())).isEqualTo(p.mul(RefField.P.mod(RefField.R)));
        }
    }

    @Test
    void pairingMatchesReference() {
        for (int i = 0; i < 3; i++) {
            RefG1 p = RefG1.GENERATOR.mul(randomScalar());
            RefG2 q = RefG2.GENERATOR.mul(randomScalar());
            assertThat(Oracle.ref(Pairing.pairing(Oracle.fast(p), Oracle.fast(q))))
                    .isEqualTo(RefPairing.pairing(p, q));
        }
    }

    @Test
    void pairingIsBilinearAndNonDegenerate() {
        G1Point g1 = Oracle.fast(RefG1.GENERATOR);
        G2Point g2 = Oracle.fast(RefG2.GENERATOR);
        Fp12 base = Pairing.pairing(g1, g2);
        assertThat(base.isOne()).isFalse();
        assertThat(base.pow(RefField.R).isOne()).isTrue();
        for (int i = 0; i < 3; i++) {
            BigInteger a = randomScalar();
            BigInteger b = randomScalar();
            Fp12 lhs = Pairing.pairing(g1.mul(Scalar.of(a)), g2.mul(Scalar.of(b)));
            assertThat(lhs).isEqualTo(base.pow(a.multiply(b).mod(RefField.R)));
            // e(aP, bQ) · e(−abP, Q) = 1 as one multi-pairing.
            G1Point minusAbP = g1.mul(Scalar.of(a.multiply(b).mod(RefField.R))).neg();
            assertThat(Pairing.pairingCheck(List.of(
                    new Pairing.Pair(g1.mul(Scalar.of(a)), G2Prepared.of(g2.mul(Scalar.of(b)))),
                    new Pairing.Pair(minusAbP, G2Prepared.of(g2))))).isTrue();
            assertThat(Pairing.pairingCheck(List.of(
                    new Pairing.Pair(g1.mul(Scalar.of(a)), G2Prepared.of(g2.mul(Scalar.of(b)))),
                    new Pairing.Pair(minusAbP.add(g1), G2Prepared.of(g2))))).isFalse();
        }
    }
}
