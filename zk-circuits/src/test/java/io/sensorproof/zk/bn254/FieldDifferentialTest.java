package io.sensorproof.zk.bn254;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.zk.reference.RefField;
import io.sensorproof.zk.reference.RefFp12;
import io.sensorproof.zk.reference.RefFp2;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The limb arithmetic agrees with the BigInteger reference on random and edge-case inputs. */
class FieldDifferentialTest {
    private final Random random = new Random(20240607L);

    private List<BigInteger> samples() {
        BigInteger p = RefField.P;
        List<BigInteger> values = new ArrayList<>(List.of(BigInteger.ZERO, BigInteger.ONE, BigInteger.TWO,
                p.subtract(BigInteger.ONE), p.subtract(BigInteger.TWO), p.shiftRight(1),
                BigInteger.ONE.shiftLeft(253), BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE),
                BigInteger.ONE.shiftLeft(192)));
        for (int i = 0; i < 200; i++) {
            values.add(Oracle.randomFieldValue(random));
        }
        return values;
    }

    @Test
    void baseFieldMatchesBigInteger() {
        List<BigInteger> values = samples();
        for (int i = 0; i < values.size(); i++) {
            BigInteger a = values.get(i);
            BigInteger b = values.get((i * 7 + 3) % values.size());
            Fp fa = Fp.of(a);
            Fp fb = Fp.of(b);
            assertThat(fa.toBigInteger()).isEqualTo(a);
            assertThat(fa.mul(fb).toBigInteger()).isEqualTo(RefField.mul(a, b));
            assertThat(fa.add(fb).toBigInteger()).isEqualTo(RefField.add(a, b));
            assertThat(fa.sub(fb).toBigInteger()).isEqualTo(RefField.sub(a, b));
            assertThat(fa.neg().toBigInteger()).isEqualTo(RefField.neg(a));
            assertThat(fa.square().toBigInteger()).isEqualTo(RefField.mul(a, a));
            if (a.signum() != 0) {
                assertThat(fa.inverse().toBigInteger()).isEqualTo(RefField.inv(a));
            }
        }
    }

    @Test
    void towerMatchesReference() {
        for (int i = 0; i < 30; i++) {
            RefFp2 a2 = Oracle.randomRefFp2(random);
            RefFp2 b2 = Oracle.randomRefFp2(random);
            assertThat(Oracle.ref(Oracle.fast(a2).mul(Oracle.fast(b2)))).isEqualTo(a2.mul(b2));
            assertThat(Oracle.ref(Oracle.fast(a2).square())).isEqualTo(a2.square());
            assertThat(Oracle.ref(Oracle.fast(a2).inverse())).isEqualTo(a2.inverse());
            assertThat(Oracle.ref(Oracle.fast(a2).mulByXi())).isEqualTo(a2.mul(RefFp2.XI));

            RefFp12 a = Oracle.randomRefFp12(random);
            RefFp12 b = Oracle.randomRefFp12(random);
            Fp12 fa = Oracle.fast(a);
            Fp12 fb = Oracle.fast(b);
            assertThat(Oracle.ref(fa.c0().mul(fb.c0()))).isEqualTo(a.c0().mul(b.c0()));
            assertThat(Oracle.ref(fa.c0().square())).isEqualTo(a.c0().mul(a.c0()));
            assertThat(Oracle.ref(fa.c0().inverse())).isEqualTo(a.c0().inverse());
            assertThat(Oracle.ref(fa.mul(fb))).isEqualTo(a.mul(b));
            assertThat(Oracle.ref(fa.square())).isEqualTo(a.square());
            assertThat(Oracle.ref(fa.inverse())).isEqualTo(a.inverse());
        }
    }

    @Test
    void sparseLineProductMatchesFullProduct() {
        for (int i = 0; i < 20; i++) {
            Fp12 f = Oracle.fast(Oracle.randomRefFp12(random));
            Fp2 a = Oracle.fast(Oracle.randomRefFp2(random));
            Fp2 b = Oracle.fast(Oracle.randomRefFp2(random));
            Fp2 c = Oracle.fast(Oracle.randomRefFp2(random));
            Fp12 line = new Fp12(new Fp6(a, Fp2.ZERO, Fp2.ZERO), new Fp6(b, c, Fp2.ZERO));
            assertThat(f.mulByLine(a, b, c)).isEqualTo(f.mul(line));
        }
    }

    @Test
    void frobeniusIsPowerOfP() {
        for (int i = 0; i < 3; i++) {
            RefFp12 a = Oracle.randomRefFp12(random);
            Fp12 fa = Oracle.fast(a);
            for (int k = 1; k <= 3; k++) {
                assertThat(Oracle.ref(fa.frobenius(k))).isEqualTo(a.pow(RefField.P.pow(k)));
            }
        }
    }

    @Test
    void cyclotomicSquareMatchesSquareInCyclotomicSubgroup() {
        for (int i = 0; i < 20; i++) {
            Fp12 f = Oracle.fast(Oracle.randomRefFp12(random));
            Fp12 t = f.conjugate().mul(f.inverse());
            t = t.frobenius(2).mul(t);
            assertThat(t.cyclotomicSquare()).isEqualTo(t.square());
            assertThat(Pairing.cyclotomicPowU(t)).isEqualTo(t.pow(BigInteger.valueOf(G2Point.U)));
        }
    }

    @Test
    void hardPartDecompositionIsExact() {
        BigInteger p = RefField.P;
        BigInteger u = RefField.U;
        BigInteger u2 = u.pow(2);
        BigInteger u3 = u.pow(3);
        BigInteger l3 = BigInteger.ONE;
        BigInteger l2 = u2.multiply(BigInteger.valueOf(6)).add(BigInteger.ONE);
        BigInteger l1 = u3.multiply(BigInteger.valueOf(-36)).subtract(u2.multiply(BigInteger.valueOf(18)))
                .subtract(u.multiply(BigInteger.valueOf(12))).add(BigInteger.ONE);
        BigInteger l0 = u3.multiply(BigInteger.valueOf(-36)).subtract(u2.multiply(BigInteger.valueOf(30)))
                .subtract(u.multiply(BigInteger.valueOf(18))).subtract(BigInteger.TWO);
        BigInteger hard = p.pow(4).subtract(p.pow(2)).add(BigInteger.ONE);
        assertThat(hard.mod(RefField.R)).isZero();
        assertThat(l0.add(l1.multiply(p)).add(l2.multiply(p.pow(2))).add(l3.multiply(p.pow(3))))
                .isEqualTo(hard.divide(RefField.R));
    }

    @Test
    void ateLoopDigitsEncodeSixUPlusTwo() {
        BigInteger value = BigInteger.ZERO;
        for (int d : G2Prepared.ATE_NAF) {
            value = value.shiftLeft(1).add(BigInteger.valueOf(d));
        }
        assertThat(value).isEqualTo(RefField.ATE_LOOP_COUNT);
    }
}
