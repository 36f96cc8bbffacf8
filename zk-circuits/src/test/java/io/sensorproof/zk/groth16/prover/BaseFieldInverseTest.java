package io.sensorproof.zk.groth16.prover;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.zk.bn254.Fp;
import io.sensorproof.zk.bn254.Fp2;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The batch-affine windows' inverse (binary modInverse on the Montgomery form) against Fermat's a^(p−2) of {@link Fp}. */
class BaseFieldInverseTest {
    private static final BigInteger P = Fp.MODULUS;

    private static List<Fp> values() {
        List<Fp> values = new ArrayList<>(List.of(Fp.ZERO, Fp.ONE, Fp.ONE.neg(), Fp.ONE.dbl(), Fp.of(P.subtract(BigInteger.TWO)),
                Fp.of(BigInteger.ONE.shiftLeft(255).mod(P))));
        Random random = new Random(45);
        for (int i = 0; i < 300; i++) {
            values.add(Fp.of(new BigInteger(256, random).mod(P)));
        }
        return values;
    }

    @Test
    void equalsFermatsInverseInFp() {
        for (Fp a : values()) {
            Fp inverse = BaseFieldInverse.of(a);
            assertThat(inverse).as("1/%s", a).isEqualTo(a.inverse());
            if (!a.isZero()) {
                assertThat(a.mul(inverse)).isEqualTo(Fp.ONE);
            }
        }
    }

    @Test
    void equalsTheTowerInverseInFp2() {
        List<Fp> values = values();
        for (int i = 0; i + 1 < values.size(); i++) {
            Fp2 a = new Fp2(values.get(i), values.get(values.size() - 1 - i));
            assertThat(BaseFieldInverse.of(a)).as("1/%s", a).isEqualTo(a.inverse());
        }
    }
}
