package io.sensorproof.gateway.core;

import static io.sensorproof.gateway.core.Harness.NOW;
import static io.sensorproof.gateway.core.Harness.minutesAgo;
import static io.sensorproof.gateway.core.Harness.verifiedAck;
import static io.sensorproof.gateway.core.TestDevice.humidity;
import static io.sensorproof.gateway.core.TestDevice.temperature;
import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.protocol.ack.Acknowledgement;
import io.sensorproof.protocol.ack.Rejection;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each rejection code reproduced with a real message. */
class IngestPipelineRejectionTest {
    private final Harness h = new Harness();
    private final TestDevice victim = h.register(new TestDevice("acme", "cold-room-7", SignatureAlgorithm.ES256));

    private Outcome.Rejected rejected(Outcome outcome, String code) {
        assertThat(outcome).isInstanceOf(Outcome.Rejected.class);
        Outcome.Rejected r = (Outcome.Rejected) outcome;
        assertThat(r.reason().name()).isEqualTo(code);
        assertThat(h.pipeline.metrics().count("rejected." + code)).isEqualTo(1);
        return r;
    }

    /** Refused before the signature verified: kept, unauthenticated, and nothing is sent. */
    private QuarantineEntry refusedSilently(Outcome outcome, String code, byte[] bytes) {
        Outcome.Rejected r = rejected(outcome, code);
        assertThat(r.authenticated()).isFalse();
        assertThat(r.kept()).isTrue();
        assertThat(r.signedRejection()).isEmpty();
        assertThat(h.sent).isEmpty();
        assertThat(h.store.messages()).isEmpty();
        assertThat(h.quarantine.entries()).singleElement().satisfies(e -> {
            assertThat(e.reason().name()).isEqualTo(code);
            assertThat(e.raw()).isEqualTo(bytes);
            assertThat(e.authenticated()).isFalse();
            assertThat(e.receivedAt()).isEqualTo(NOW);
            assertThat(e.detail()).isEqualTo(r.detail()).isNotBlank();
            assertThat(r.claim()).isEqualTo(new MessageClaim(e.claimedDevice(), e.boot(), e.seq()));
        });
        return h.quarantine.entries().get(0);
    }

    /** Refused after the signature verified: kept first, then a signed rejection naming (boot, seq). */
    private Rejection refusedWithSignedRejection(Outcome outcome, String code, long boot, long seq) {
        Outcome.Rejected r = rejected(outcome, code);
        assertThat(r.authenticated()).isTrue();
        assertThat(r.kept()).isTrue();
        assertThat(h.store.messages()).isEmpty();
        assertThat(h.quarantine.entries()).singleElement().satisfies(e -> {
            assertThat(e.reason().name()).isEqualTo(code);
            assertThat(e.authenticated()).isTrue();
            assertThat(e.claimedDevice()).contains(victim.id);
            assertThat(e.boot()).isEqualTo(boot);
            assertThat(e.seq()).isEqualTo(seq);
        });
        assertThat(r.claim()).isEqualTo(new MessageClaim(java.util.Optional.of(victim.id), boot, seq));
        assertThat(h.events).containsSubsequence("quarantine " + code, "send " + victim.ack(), "observed 1");
        assertThat(h.sent).containsExactly(r.signedRejection().orElseThrow());
        Acknowledgement ack = verifiedAck(r.signedRejection().get());
        assertThat(ack.deviceId()).isEqualTo(victim.id);
        assertThat(ack.isStored(boot, seq)).isFalse();
        Rejection rejection = ack.rejection(boot, seq).orElseThrow();
        assertThat(rejection.code()).isEqualTo(code);
        return rejection;
    }

    @Test
    void rejectsOversizedMessageWithoutDecodingIt() {
        byte[] bytes = new byte[IngestPipeline.MAX_MESSAGE_BYTES + 1];

        QuarantineEntry e = refusedSilently(h.processOne(h.inbound(victim, bytes)), "OVERSIZED", bytes);

        assertThat(e.raw()).hasSize(16_385);
        assertThat(e.claimedDevice()).contains(victim.id);
        assertThat(e.kidHex()).isEmpty();
    }

    @Test
    void messageOfExactlySixteenKibIsNotOversized() {
        byte[] bytes = new byte[IngestPipeline.MAX_MESSAGE_BYTES];

        Outcome outcome = h.processOne(h.inbound(victim, bytes));

        assertThat(((Outcome.Rejected) outcome).reason().name()).isNotEqualTo("OVERSIZED");
    }

    @Test
    void rejectsUndecodableMessageWithTheProtocolCode() {
        byte[] valid = victim.sign(1, 1, NOW, temperature(3, minutesAgo(1)));
        byte[] truncated = Arrays.copyOf(valid, valid.length - 1);

        refusedSilently(h.processOne(h.inbound(victim, truncated)), "MALFORMED_CBOR", truncated);
    }

    @Test
    void rejectsForgedSignatureUnderTheVictimsKidWithoutTellingTheVictimAnything() {
        SigningKey attacker = TestDevice.freshKey(SignatureAlgorithm.ES256);
        byte[] forged = victim.forge(victim.key.verificationKey().kid(), attacker, 3, 10, NOW, temperature(99, minutesAgo(1)));

        QuarantineEntry e = refusedSilently(h.processOne(h.inbound(victim.up(), forged, "mqtt:intruder")), "BAD_SIGNATURE", forged);

        assertThat(e.claimedDevice()).contains(victim.id);
        assertThat(e.kidHex()).contains(victim.key.verificationKey().kidHex());
        assertThat(e.sourceConnectionId()).isEqualTo("mqtt:intruder");
        // the victim's genuine message with the same (boot, seq) is still accepted
        byte[] genuine = victim.sign(3, 10, NOW, temperature(4, minutesAgo(1)));
        assertThat(h.processOne(h.inbound(victim, genuine))).isInstanceOf(Outcome.Stored.class);
    }

    @Test
    void rejectsMessageWhoseSignatureWasTampered() {
        byte[] bytes = victim.sign(1, 1, NOW, temperature(3, minutesAgo(1)));
        bytes[bytes.length - 1] ^= 0x01;

        refusedSilently(h.processOne(h.inbound(victim, bytes)), "BAD_SIGNATURE", bytes);
    }

    @Test
    void rejectsUnknownKey() {
        TestDevice stranger = new TestDevice("acme", "stranger", SignatureAlgorithm.EDDSA);
        byte[] bytes = stranger.sign(1, 1, NOW, temperature(3, minutesAgo(1)));

        QuarantineEntry e = refusedSilently(h.processOne(h.inbound(stranger, bytes)), "UNKNOWN_KEY", bytes);

        assertThat(e.claimedDevice()).contains("stranger");
        assertThat(e.kidHex()).contains(stranger.key.verificationKey().kidHex());
        assertThat(e.boot()).isEqualTo(1);
        assertThat(e.seq()).isEqualTo(1);
    }

    @Test
    void rejectsAlgorithmOtherThanTheRegisteredKeysBeforeAnySignatureCheck() {
        SigningKey ed25519 = TestDevice.freshKey(SignatureAlgorithm.EDDSA);
        byte[] bytes = victim.forge(victim.key.verificationKey().kid(), ed25519, 1, 1, NOW, temperature(3, minutesAgo(1)));

        QuarantineEntry e = refusedSilently(h.processOne(h.inbound(victim, bytes)), "ALG_MISMATCH", bytes);

        assertThat(e.detail()).contains("EdDSA").contains("ES256");
    }

    @Test
    void rejectsTopicOfAnotherTenant() {
        byte[] bytes = victim.sign(1, 1, NOW, temperature(3, minutesAgo(1)));

        QuarantineEntry e = refusedSilently(h.processOne(h.inbound("t/globex/d/cold-room-7/up", bytes, "mqtt:x")), "TOPIC_MISMATCH", bytes);

        assertThat(e.topic()).isEqualTo("t/globex/d/cold-room-7/up");
        assertThat(e.claimedDevice()).contains("cold-room-7");
    }

    @Test
    void rejectsTopicOfAnotherDevice() {
        TestDevice neighbour = h.register(new TestDevice("acme", "cold-room-8", SignatureAlgorithm.ES256));
        byte[] bytes = victim.sign(1, 1, NOW, temperature(3, minutesAgo(1)));

        QuarantineEntry e = refusedSilently(h.processOne(h.inbound(neighbour.up(), bytes, "mqtt:cold-room-8")), "TOPIC_MISMATCH", bytes);

        assertThat(e.claimedDevice()).contains("cold-room-8");
    }

    @Test
    void rejectsMessageOnATopicThatIsNotAnUplink() {
        byte[] bytes = victim.sign(1, 1, NOW, temperature(3, minutesAgo(1)));

        refusedSilently(h.processOne(h.inbound("t/acme/d/cold-room-7/status", bytes, "mqtt:cold-room-7")), "TOPIC_MISMATCH", bytes);
    }

    @Test
    void rejectsTopicThatBreaksTheGrammar() {
        byte[] bytes = victim.sign(1, 1, NOW, temperature(3, minutesAgo(1)));

        QuarantineEntry e = refusedSilently(h.processOne(h.inbound("devices/Cold-Room-7", bytes, "mqtt:cold-room-7")),
                "INVALID_IDENTIFIER", bytes);

        // with no usable topic, the claim comes from the pack's base name
        assertThat(e.claimedDevice()).contains("cold-room-7");
    }

    @Test
    void rejectsPackWhoseBaseNameIsNotTheRegisteredDevice() {
        byte[] bytes = victim.signWithBaseName("cold-room-8", 1, 1, NOW, temperature(3, minutesAgo(1)));

        QuarantineEntry e = refusedSilently(h.processOne(h.inbound(victim, bytes)), "BN_MISMATCH", bytes);

        assertThat(e.detail()).contains("cold-room-8");
    }

    @ParameterizedTest
    @EnumSource(value = DeviceStatus.class, names = {"SUSPENDED", "REVOKED"})
    void rejectsMessagesOfInactiveDevicesSoTheyKeepThemUntilReactivated(DeviceStatus status) {
        h.directory.setStatus(victim, status);
        byte[] bytes = victim.sign(1, 1, NOW, temperature(3, minutesAgo(1)));

        QuarantineEntry e = refusedSilently(h.processOne(h.inbound(victim, bytes)), "DEVICE_INACTIVE", bytes);

        assertThat(e.detail()).contains(status.name());
        h.directory.setStatus(victim, DeviceStatus.ACTIVE);
        assertThat(h.processOne(h.inbound(victim, bytes))).isInstanceOf(Outcome.Stored.class);
    }

    @Test
    void rejectsNanValueWithASignedRejection() {
        Outcome outcome = h.processOne(h.inbound(victim, victim.sign(2, 5, NOW, temperature(3, minutesAgo(1)),
                temperature(Double.NaN, minutesAgo(1)))));

        Rejection rejection = refusedWithSignedRejection(outcome, "INVALID_VALUE", 2, 5);
        assertThat(rejection.message()).contains("record 1").contains("NaN");
    }

    @Test
    void rejectsHumidityAboveOneHundredPercent() {
        Outcome outcome = h.processOne(h.inbound(victim, victim.sign(2, 6, NOW, humidity(100.01, minutesAgo(1)))));

        refusedWithSignedRejection(outcome, "INVALID_VALUE", 2, 6);
    }

    @Test
    void rejectsReadingFurtherAheadThanTheSkewWindowWithASignedRejection() {
        byte[] bytes = victim.sign(4, 1, NOW, temperature(3, minutesAgo(1)), temperature(3, NOW.plus(Duration.ofMinutes(5)).plusMillis(1)));

        Outcome outcome = h.processOne(h.inbound(victim, bytes));

        Rejection rejection = refusedWithSignedRejection(outcome, "FUTURE_TIMESTAMP", 4, 1);
        assertThat(rejection.message()).contains("record 1");
    }

    @Test
    void reasonCodeOfEveryOutcomeIsInTheNamespace() {
        Outcome outcome = h.processOne(h.inbound(victim, new byte[] {(byte) 0xff}));

        assertThat(ReasonCode.byName(((Outcome.Rejected) outcome).reason().name())).isEqualTo(Optional.of(((Outcome.Rejected) outcome).reason()));
    }
}
