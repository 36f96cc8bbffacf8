package io.sensorproof.gateway.core;

import static io.sensorproof.gateway.core.Harness.NOW;
import static io.sensorproof.gateway.core.Harness.minutesAgo;
import static io.sensorproof.gateway.core.Harness.verifiedAck;
import static io.sensorproof.gateway.core.TestDevice.temperature;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.protocol.cbor.CborLimits;
import io.sensorproof.protocol.cbor.StrictCbor;
import io.sensorproof.protocol.cose.CoseSign;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.message.ReadingMessages;
import io.sensorproof.protocol.senml.Reading;
import io.sensorproof.protocol.senml.ReadingPack;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Hybrid devices (ADR 029): registered with a classical and an ML-DSA key, they must sign every
 * message with both, and the pipeline accepts a message only if both signatures verify under the
 * device's own two keys.
 */
class IngestPipelineHybridTest {
    private final Harness h = new Harness();
    private final TestDevice device = new TestDevice("acme", "cold-room-7", SignatureAlgorithm.ES256);
    private final SigningKey pqKey = TestDevice.freshKey(SignatureAlgorithm.ML_DSA_65);
    private final TestDevice other = new TestDevice("acme", "cold-room-8", SignatureAlgorithm.ES256);
    private final SigningKey otherPqKey = TestDevice.freshKey(SignatureAlgorithm.ML_DSA_65);

    IngestPipelineHybridTest() {
        h.directory.put(hybrid(device, pqKey));
        h.directory.put(hybrid(other, otherPqKey));
    }

    private static RegisteredDevice hybrid(TestDevice d, SigningKey pq) {
        return new RegisteredDevice(d.tenant, d.id, d.key.verificationKey(), DeviceStatus.ACTIVE, Optional.empty(),
                Optional.of(pq.verificationKey()));
    }

    private byte[] signHybrid(SigningKey classical, SigningKey pq, long seq) {
        return ReadingMessages.signHybrid(new ReadingPack(device.id, List.of(temperature(4.25, minutesAgo(1)))), 3, seq,
                NOW.toEpochMilli(), classical, pq);
    }

    private Outcome.Rejected refused(byte[] bytes, String code) {
        Outcome outcome = h.processOne(h.inbound(device, bytes));
        assertThat(outcome).isInstanceOf(Outcome.Rejected.class);
        Outcome.Rejected r = (Outcome.Rejected) outcome;
        assertThat(r.reason().name()).as(r.detail()).isEqualTo(code);
        assertThat(r.authenticated()).isFalse();
        assertThat(r.signedRejection()).isEmpty();
        assertThat(h.sent).isEmpty();
        assertThat(h.store.messages()).isEmpty();
        assertThat(h.pipeline.metrics().count("rejected." + code)).isEqualTo(1);
        assertThat(h.quarantine.entries()).singleElement().satisfies(e -> {
            assertThat(e.reason().name()).isEqualTo(code);
            assertThat(e.raw()).isEqualTo(bytes);
            assertThat(e.detail()).isEqualTo(r.detail());
        });
        return r;
    }

    private static byte[] flipInSignature(byte[] message, int index) {
        byte[] signature = CoseSign.fromItem(StrictCbor.decode(message, CborLimits.MESSAGE)).signatures().get(index).signature();
        HexFormat hex = HexFormat.of();
        int at = hex.formatHex(message).indexOf(hex.formatHex(signature)) / 2 + signature.length / 2;
        byte[] copy = message.clone();
        copy[at] ^= 0x04;
        return copy;
    }

    @Test
    void bothSignaturesValidIsStoredAndAcknowledged() {
        byte[] bytes = signHybrid(device.key, pqKey, 1);
        Outcome outcome = h.processOne(h.inbound(device, bytes));
        assertThat(outcome).isInstanceOf(Outcome.Stored.class);
        assertThat(h.store.messages()).singleElement().satisfies(m -> assertThat(m.raw()).isEqualTo(bytes));
        assertThat(verifiedAck(((Outcome.Stored) outcome).ack()).isStored(3, 1)).isTrue();
        assertThat(h.quarantine.entries()).isEmpty();
    }

    @Test
    void resignedHybridMessageIsADuplicateNotAConflict() {
        // ML-DSA signs hedged: the resent bytes differ, the content digest does not
        assertThat(h.processOne(h.inbound(device, signHybrid(device.key, pqKey, 1)))).isInstanceOf(Outcome.Stored.class);
        Outcome again = h.processOne(h.inbound(device, signHybrid(device.key, pqKey, 1)));
        assertThat(again).isInstanceOf(Outcome.Duplicate.class);
        assertThat(h.quarantine.entries()).isEmpty();
    }

    @Test
    void brokenClassicalSignatureIsRefusedNamingIt() {
        Outcome.Rejected r = refused(flipInSignature(signHybrid(device.key, pqKey, 1), 0), "BAD_SIGNATURE");
        assertThat(r.detail()).contains("ES256 signature").doesNotContain("ML-DSA-65 signature");
    }

    @Test
    void brokenMlDsaSignatureIsRefusedNamingIt() {
        Outcome.Rejected r = refused(flipInSignature(signHybrid(device.key, pqKey, 1), 1), "BAD_SIGNATURE");
        assertThat(r.detail()).contains("ML-DSA-65 signature");
    }

    @Test
    void validMlDsaSignatureOfAnotherDevicesKeyIsRefused() {
        // both signatures verify, each under a registered key, but the ML-DSA key is cold-room-8's
        Outcome.Rejected r = refused(signHybrid(device.key, otherPqKey, 1), "UNKNOWN_KEY");
        assertThat(r.detail()).contains(otherPqKey.verificationKey().kidHex());
    }

    @Test
    void singleSignatureMessageFromAHybridDeviceIsRefused() {
        byte[] classicalOnly = device.sign(3, 1, NOW, temperature(4.25, minutesAgo(1)));
        Outcome.Rejected r = refused(classicalOnly, "HYBRID_REQUIRED");
        assertThat(r.detail()).contains(pqKey.verificationKey().kidHex());
    }

    @Test
    void mlDsaOnlyMessageUnderTheHybridDevicesMlDsaKidIsUnknown() {
        // the registry resolves a hybrid device by its classical kid only
        byte[] pqOnly = ReadingMessages.sign(new ReadingPack(device.id, List.of(temperature(4.25, minutesAgo(1)))), 3, 1,
                NOW.toEpochMilli(), pqKey);
        refused(pqOnly, "UNKNOWN_KEY");
    }

    @Test
    void hybridMessageFromASingleKeyDeviceIsRefused() {
        TestDevice plain = h.register(new TestDevice("acme", "cold-room-9", SignatureAlgorithm.ES256));
        byte[] bytes = ReadingMessages.signHybrid(new ReadingPack(plain.id, List.<Reading>of(temperature(4.25, minutesAgo(1)))), 3, 1,
                NOW.toEpochMilli(), plain.key, pqKey);
        Outcome outcome = h.processOne(h.inbound(plain, bytes));
        assertThat(outcome).isInstanceOf(Outcome.Rejected.class);
        assertThat(((Outcome.Rejected) outcome).reason().name()).isEqualTo("UNKNOWN_KEY");
        assertThat(h.store.messages()).isEmpty();
        // and its single-signature messages are unchanged
        assertThat(h.processOne(h.inbound(plain, plain.sign(3, 2, NOW, temperature(4.5, minutesAgo(1))))))
                .isInstanceOf(Outcome.Stored.class);
    }

    @Test
    void aHybridDeviceNeedsAClassicalAndAnMlDsaKey() {
        assertThatThrownBy(() -> new RegisteredDevice("acme", "x", pqKey.verificationKey(), DeviceStatus.ACTIVE, Optional.empty(),
                Optional.of(pqKey.verificationKey()))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RegisteredDevice("acme", "x", device.key.verificationKey(), DeviceStatus.ACTIVE, Optional.empty(),
                Optional.of(other.key.verificationKey()))).isInstanceOf(IllegalArgumentException.class);
    }
}
