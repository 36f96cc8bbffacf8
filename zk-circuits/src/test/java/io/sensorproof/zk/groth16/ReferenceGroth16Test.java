package io.sensorproof.zk.groth16;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.zk.reference.RefFp2;
import io.sensorproof.zk.reference.RefG1;
import io.sensorproof.zk.reference.RefG2;
import io.sensorproof.zk.reference.RefPairing;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The BigInteger reference, given the same Groth16 equation, agrees with the fast verifier. */
class ReferenceGroth16Test {

    private static RefG1 g1(G1Coordinates c) {
        return c.x().signum() == 0 && c.y().signum() == 0 ? RefG1.INFINITY : RefG1.of(c.x(), c.y());
    }

    private static RefG2 g2(G2Coordinates c) {
        return RefG2.of(RefFp2.of(c.x0(), c.x1()), RefFp2.of(c.y0(), c.y1()));
    }

    private static boolean referenceVerify(VerificationKey key, Groth16Proof proof) {
        RefG1 vkX = g1(key.gammaAbc().get(0));
        for (int i = 0; i < proof.inputs().size(); i++) {
            vkX = vkX.add(g1(key.gammaAbc().get(i + 1)).mul(proof.inputs().get(i)));
        }
        return RefPairing.pairingCheck(
                List.of(g1(proof.a()), vkX.neg(), g1(proof.c()).neg(), g1(key.alpha()).neg()),
                List.of(g2(proof.b()), g2(key.gamma()), g2(key.delta()), g2(key.beta())));
    }

    @Test
    void referenceAndFastVerifierGiveTheSameVerdicts() {
        VerificationKey key = ZokratesJson.parseVerificationKey(Fixtures.key("linear4"));
        Groth16Proof valid = ZokratesJson.parseProof(Fixtures.proof("linear4"));
        Groth16Proof wrongInput = new Groth16Proof(valid.a(), valid.b(), valid.c(),
                List.of(valid.inputs().get(0), valid.inputs().get(1), valid.inputs().get(2).add(BigInteger.ONE),
                        valid.inputs().get(3)));
        Groth16Verifier fast = new Groth16Verifier(key);

        assertThat(referenceVerify(key, valid)).isTrue();
        assertThat(fast.verify(valid)).isTrue();
        assertThat(referenceVerify(key, wrongInput)).isFalse();
        assertThat(fast.verify(wrongInput)).isFalse();
    }
}
