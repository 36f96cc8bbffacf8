package io.sensorproof.protocol.ack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ProtocolException;
import io.sensorproof.protocol.TestKeys;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.message.ReadingMessages;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

class AcknowledgementCodecTest {
    private final SigningKey gateway = TestKeys.key(SignatureAlgorithm.ES256);

    @Test
    void roundTripsRangesAndRejections() {
        Acknowledgement ack = new Acknowledgement("cold-room-7", 1_764_000_000_000L, List.of(
                new BootAck(3, List.of(new SeqRange(0, 10), new SeqRange(12, 12)), List.of(new Rejection(11, "INVALID_VALUE", "record 0: out of range"))),
                new BootAck(4, List.of(SeqRange.of(0)), List.of())));
        Acknowledgement decoded = AcknowledgementCodec.verify(AcknowledgementCodec.sign(ack, gateway), gateway.verificationKey());
        assertThat(decoded).isEqualTo(ack);
        assertThat(decoded.isStored(3, 5)).isTrue();
        assertThat(decoded.isStored(3, 11)).isFalse();
        assertThat(decoded.rejection(3, 11)).map(Rejection::code).contains("INVALID_VALUE");
        assertThat(decoded.isStored(4, 0)).isTrue();
    }

    @Test
    void rejectsAcknowledgementSignedByAnotherKey() {
        SigningKey forger = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
        byte[] forged = AcknowledgementCodec.sign(Acknowledgement.stored("d1", 1, 0, 0), forger);
        assertThatThrownBy(() -> AcknowledgementCodec.verify(forged, gateway.verificationKey()))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_KEY));
    }

    @Test
    void rejectsTamperedAcknowledgement() {
        byte[] bytes = AcknowledgementCodec.sign(Acknowledgement.stored("d1", 1, 0, 7), gateway);
        for (int i = 0; i < bytes.length; i++) {
            byte[] copy = bytes.clone();
            copy[i] ^= 0x01;
            int at = i;
            assertThatThrownBy(() -> AcknowledgementCodec.verify(copy, gateway.verificationKey()))
                    .as("flip at %d", at).isInstanceOf(ProtocolException.class);
        }
    }

    @Test
    void aReadingMessageIsNotAnAcknowledgement() {
        byte[] reading = ReadingMessages.sign(TestKeys.samplePack(1), 0, 0, 1, gateway);
        assertThatThrownBy(() -> AcknowledgementCodec.verify(reading, gateway.verificationKey()))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ACK));
    }

    @Test
    void refusesOverlappingOrContradictoryEntries() {
        assertThatThrownBy(() -> new BootAck(1, List.of(new SeqRange(0, 5), new SeqRange(5, 6)), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BootAck(1, List.of(new SeqRange(0, 5)), List.of(new Rejection(3, "BAD_SIGNATURE", ""))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Rejection(1, "bad code", "")).isInstanceOf(IllegalArgumentException.class);
    }
}
