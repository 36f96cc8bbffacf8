package io.sensorproof.oracle.bundle;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.senml.Quantity;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The builders refuse input that would make a bundle its own checks reject. */
class BundleBuilderTest {
    private static final BundleFixtureGenerator.Signed SIGNED = BundleFixtureGenerator.sign("cold-room-a",
            SignatureAlgorithm.ES256, 1, 1, List.of(BundleFixtureGenerator.T0, BundleFixtureGenerator.T0 + 60_000),
            Quantity.TEMPERATURE, List.of(12.0, 12.0));

    private static EvidenceBundleBuilder builder() {
        return new EvidenceBundleBuilder(BundleFixtureGenerator.CHAIN, 1, List.of("cold-room-a"),
                BundleFixtureGenerator.WATCH);
    }

    @Test
    void refusesAKeyHashThatIsNotTheKeys() {
        byte[] spki = SIGNED.key().verificationKey().spki();
        assertThatThrownBy(() -> builder().device("cold-room-a", spki, new byte[32], SIGNED.messages()))
                .isInstanceOf(BundleException.class).hasMessageContaining("INCONSISTENT_INPUT");
    }

    @Test
    void refusesAMessageThatTheDeviceKeyDoesNotVerify() {
        byte[] other = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom()).verificationKey().spki();
        assertThatThrownBy(() -> builder().device("cold-room-a", other, EvidenceBundleBuilder.sha256(other),
                SIGNED.messages())).isInstanceOf(BundleException.class).hasMessageContaining("does not verify");
    }

    @Test
    void refusesAClaimReadingWithoutItsSignedMessageAndAProofOfOtherInputs() {
        byte[] spki = SIGNED.key().verificationKey().spki();
        EvidenceBundleBuilder b = builder().device("cold-room-a", spki, EvidenceBundleBuilder.sha256(spki), SIGNED.messages());
        ChainRef tx = new ChainRef("0x" + "1".repeat(64), 1, 1);
        assertThatThrownBy(() -> b.runClaim(List.of(SIGNED.keys().get(0), new ReadingKey("cold-room-a", 1, 9, 0)),
                27_515, 28_115, 90_000, "{}", tx)).hasMessageContaining("no signed message holds reading");
        String otherProof = ((ObjectNode) BundleFixtures.tree("evidence.json").get("claims").get(0).deepCopy())
                .put("scheme", "g16").toString();
        assertThatThrownBy(() -> b.runClaim(SIGNED.keys(), 27_515, 28_115, 90_000, otherProof, tx))
                .hasMessageContaining("are not the claim's");
    }
}
