package io.sensorproof.zk.bn254;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.zk.PrecompileVectors;
import io.sensorproof.zk.PrecompileVectors.Vector;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The fast implementation against the EIP-196/197 vectors used by go-ethereum. */
class PrecompileVectorsTest {

    static List<Vector> additions() {
        return PrecompileVectors.load("bn256Add.json");
    }

    static List<Vector> multiplications() {
        return PrecompileVectors.load("bn256ScalarMul.json");
    }

    static List<Vector> pairings() {
        return PrecompileVectors.load("bn256Pairing.json");
    }

    static G1Point g1(Vector v, int word) {
        BigInteger x = v.word(word);
        BigInteger y = v.word(word + 1);
        return x.signum() == 0 && y.signum() == 0 ? G1Point.INFINITY : G1Point.of(x, y);
    }

    static String encode(G1Point p) {
        return p.infinity() ? "0".repeat(128)
                : PrecompileVectors.word(p.x().toBigInteger()) + PrecompileVectors.word(p.y().toBigInteger());
    }

    @ParameterizedTest
    @MethodSource("additions")
    void addsAsEip196(Vector v) {
        G1Point a = g1(v, 0);
        G1Point b = g1(v, 2);
        assertThat(a.isOnCurve()).isTrue();
        assertThat(b.isOnCurve()).isTrue();
        assertThat(encode(a.add(b))).isEqualTo(v.expected());
    }

    @ParameterizedTest
    @MethodSource("multiplications")
    void multipliesAsEip196(Vector v) {
        assertThat(encode(g1(v, 0).mul(Scalar.of(v.word(2))))).isEqualTo(v.expected());
    }

    @ParameterizedTest
    @MethodSource("pairings")
    void checksPairingsAsEip197(Vector v) {
        List<Pairing.Pair> pairs = new ArrayList<>();
        for (int k = 0; k < v.words() / 6; k++) {
            Fp2 x = Fp2.of(v.word(6 * k + 3), v.word(6 * k + 2));
            Fp2 y = Fp2.of(v.word(6 * k + 5), v.word(6 * k + 4));
            G2Point q = x.isZero() && y.isZero() ? G2Point.INFINITY : G2Point.of(x, y);
            assertThat(q.isOnCurve()).isTrue();
            assertThat(q.isInSubgroup()).isTrue();
            pairs.add(new Pairing.Pair(g1(v, 6 * k), G2Prepared.of(q)));
        }
        boolean expected = new BigInteger(v.expected(), 16).equals(BigInteger.ONE);
        assertThat(Pairing.pairingCheck(pairs)).isEqualTo(expected);
    }
}
