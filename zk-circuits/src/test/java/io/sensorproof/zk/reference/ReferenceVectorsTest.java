package io.sensorproof.zk.reference;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.zk.PrecompileVectors;
import io.sensorproof.zk.PrecompileVectors.Vector;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ReferenceVectorsTest {

    static List<Vector> additions() {
        return PrecompileVectors.load("bn256Add.json");
    }

    static List<Vector> multiplications() {
        return PrecompileVectors.load("bn256ScalarMul.json");
    }

    static List<Vector> pairings() {
        return PrecompileVectors.load("bn256Pairing.json");
    }

    static RefG1 g1(Vector v, int word) {
        BigInteger x = v.word(word);
        BigInteger y = v.word(word + 1);
        return x.signum() == 0 && y.signum() == 0 ? RefG1.INFINITY : RefG1.of(x, y);
    }

    static String encode(RefG1 p) {
        return p.infinity() ? "0".repeat(128) : PrecompileVectors.word(p.x()) + PrecompileVectors.word(p.y());
    }

    @ParameterizedTest
    @MethodSource("additions")
    void addsAsEip196(Vector v) {
        RefG1 a = g1(v, 0);
        RefG1 b = g1(v, 2);
        assertThat(a.isOnCurve()).isTrue();
        assertThat(b.isOnCurve()).isTrue();
        assertThat(encode(a.add(b))).isEqualTo(v.expected());
    }

    @ParameterizedTest
    @MethodSource("multiplications")
    void multipliesAsEip196(Vector v) {
        assertThat(encode(g1(v, 0).mul(v.word(2)))).isEqualTo(v.expected());
    }

    @ParameterizedTest
    @MethodSource("pairings")
    void checksPairingsAsEip197(Vector v) {
        List<RefG1> ps = new ArrayList<>();
        List<RefG2> qs = new ArrayList<>();
        for (int k = 0; k < v.words() / 6; k++) {
            ps.add(g1(v, 6 * k));
            RefFp2 x = RefFp2.of(v.word(6 * k + 3), v.word(6 * k + 2));
            RefFp2 y = RefFp2.of(v.word(6 * k + 5), v.word(6 * k + 4));
            RefG2 q = x.isZero() && y.isZero() ? RefG2.INFINITY : RefG2.of(x, y);
            assertThat(q.isOnCurve()).isTrue();
            qs.add(q);
        }
        boolean expected = new BigInteger(v.expected(), 16).equals(BigInteger.ONE);
        assertThat(RefPairing.pairingCheck(ps, qs)).isEqualTo(expected);
    }
}
