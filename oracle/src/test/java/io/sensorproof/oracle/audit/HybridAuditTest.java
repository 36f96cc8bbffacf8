package io.sensorproof.oracle.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.oracle.audit.AuditFinding.Kind;
import io.sensorproof.oracle.bundle.AuditBundle;
import io.sensorproof.oracle.bundle.BundleException;
import io.sensorproof.oracle.bundle.ClaimAuditBundle;
import io.sensorproof.oracle.bundle.ReadingKey;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.message.ReadingMessages;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The regulator's claim audit (and its bundle) for a hybrid device (ADR 029): its messages verify only with
 * both of its keys; a bundle without the ML-DSA key, with another device's ML-DSA key, or with a message
 * re-made with the classical signature alone (what a forger of the classical scheme could make) has
 * BAD_SIGNATURE findings for the readings concerned. The bundle is version 2 and reads back what it wrote.
 */
class HybridAuditTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final SigningKey classical = Keys.generate(SignatureAlgorithm.ES256, RANDOM);
    private final SigningKey mlDsa = Keys.generate(SignatureAlgorithm.ML_DSA_65, RANDOM);
    private final SigningKey oldKey = Keys.generate(SignatureAlgorithm.ES256, RANDOM);

    private AuditBundle.DeviceKeys keys(Optional<byte[]> partner) {
        // an earlier single key (before the device became hybrid) and the current hybrid group
        return new AuditBundle.DeviceKeys("room-a", List.of(oldKey.verificationKey().spki(), classical.verificationKey().spki()),
                List.of(Optional.empty(), partner));
    }

    private ClaimAuditBundle hybrid() {
        return ClaimAuditBundles.hybrid(classical, mlDsa, keys(Optional.of(mlDsa.verificationKey().spki())));
    }

    private static ClaimAuditReport audit(ClaimAuditBundle bundle) {
        FakeAnchoredClaims chain = new FakeAnchoredClaims();
        chain.anchor(bundle.claim().circuit(), bundle.claim().id(), ClaimAuditBundles.onChain(bundle));
        return ClaimAudit.audit(bundle, Optional.of(chain));
    }

    private static ClaimAuditBundle withDevices(ClaimAuditBundle b, AuditBundle.DeviceKeys keys) {
        return new ClaimAuditBundle(b.chainId(), b.anchorRegistry(), b.claim(), b.members(), b.windowReadings(), b.messages(),
                List.of(keys));
    }

    @Test
    void aHybridDevicesClaimIsCleanAndItsBundleIsVersionTwoAndReadsBack() {
        ClaimAuditBundle bundle = hybrid();
        assertThat(audit(bundle).report().findings()).isEmpty();
        String json = bundle.toJson();
        assertThat(json).contains("\"version\" : 2").contains("\"postQuantumSpkis\" : [ null, \"");
        ClaimAuditBundle read = ClaimAuditBundle.parse(json);
        assertThat(read.toJson()).isEqualTo(json);
        assertThat(audit(read).report().findings()).isEmpty();
        assertThatThrownBy(() -> ClaimAuditBundle.parse(json.replace("\"postQuantumSpkis\" : [ null, ", "\"postQuantumSpkis\" : [ ")))
                .isInstanceOf(BundleException.class).extracting("field").isEqualTo("devices[0].postQuantumSpkis");
        // a single-key device's bundle stays version 1, without the field
        assertThat(ClaimAuditBundles.clean().toJson()).contains("\"version\" : 1").doesNotContain("postQuantumSpkis");
    }

    @Test
    void withoutTheMlDsaKeyOrWithAnotherOneEveryReadingIsABadSignature() {
        ClaimAuditReport stripped = audit(withDevices(hybrid(), keys(Optional.empty())));
        assertThat(stripped.report().of(Kind.BAD_SIGNATURE)).hasSize(5);
        byte[] other = Keys.generate(SignatureAlgorithm.ML_DSA_65, RANDOM).verificationKey().spki();
        ClaimAuditReport swapped = audit(withDevices(hybrid(), keys(Optional.of(other))));
        assertThat(swapped.report().of(Kind.BAD_SIGNATURE)).hasSize(5);
        // a version-2 bundle edited to version 1 loses its ML-DSA keys: nothing verifies
        String v1 = hybrid().toJson().replace("\"version\" : 2", "\"version\" : 1");
        assertThat(audit(ClaimAuditBundle.parse(v1)).report().of(Kind.BAD_SIGNATURE)).hasSize(5);
    }

    @Test
    void aMessageReSignedWithTheClassicalKeyAloneIsABadSignatureOfItsReading() {
        ClaimAuditBundle clean = hybrid();
        List<AuditBundle.Message> messages = new ArrayList<>(clean.messages());
        AuditBundle.Message m = messages.get(2);
        var original = ReadingMessages.decode(m.cose());
        byte[] downgraded = ReadingMessages.sign(original.pack(), original.header().boot(), original.header().seq(),
                original.header().deviceTimeMillis(), classical);
        messages.set(2, new AuditBundle.Message(m.deviceId(), m.boot(), m.seq(), downgraded));
        ClaimAuditReport report = audit(new ClaimAuditBundle(clean.chainId(), clean.anchorRegistry(), clean.claim(),
                clean.members(), clean.windowReadings(), messages, clean.devices()));
        assertThat(report.report().of(Kind.BAD_SIGNATURE)).singleElement()
                .satisfies(f -> assertThat(f.key()).contains(new ReadingKey("room-a", 1, 12, 0)));
    }
}
