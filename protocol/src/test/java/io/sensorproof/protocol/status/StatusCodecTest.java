package io.sensorproof.protocol.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.protocol.ErrorCode;
import io.sensorproof.protocol.ProtocolException;
import io.sensorproof.protocol.TestKeys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.message.ReadingMessages;
import io.sensorproof.protocol.status.AgentStatus.BootSeq;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusCodecTest {
    private final SigningKey device = TestKeys.key(SignatureAlgorithm.EDDSA);

    @Test
    void roundTripsAStatus() {
        AgentStatus status = new AgentStatus("cold-room-7", 9, 1_764_000_000_000L, 12, 4096,
                Optional.of(new BootSeq(8, 100)), Optional.of(new BootSeq(8, 99)), 1, 2);
        assertThat(StatusCodec.open(StatusCodec.sign(status, device), kid -> Optional.of(device.verificationKey()))).isEqualTo(status);
    }

    @Test
    void roundTripsAnEmptyOutbox() {
        AgentStatus status = new AgentStatus("d1", 1, 1, 0, 0, Optional.empty(), Optional.empty(), 0, 0);
        assertThat(StatusCodec.open(StatusCodec.sign(status, device), kid -> Optional.of(device.verificationKey()))).isEqualTo(status);
    }

    @Test
    void aReadingMessageIsNotAStatus() {
        byte[] reading = ReadingMessages.sign(TestKeys.samplePack(1), 0, 0, 1, device);
        assertThatThrownBy(() -> StatusCodec.open(reading, kid -> Optional.of(device.verificationKey())))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_HEADER));
    }

    @Test
    void rejectsStatusSignedByAnotherKey() {
        AgentStatus status = new AgentStatus("d1", 1, 1, 0, 0, Optional.empty(), Optional.empty(), 0, 0);
        byte[] bytes = StatusCodec.sign(status, TestKeys.key(SignatureAlgorithm.ES256));
        assertThatThrownBy(() -> StatusCodec.open(bytes, kid -> Optional.of(device.verificationKey())))
                .isInstanceOf(ProtocolException.class);
    }
}
