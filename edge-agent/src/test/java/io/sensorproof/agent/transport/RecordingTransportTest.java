package io.sensorproof.agent.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.protocol.ack.Acknowledgement;
import io.sensorproof.protocol.ack.AcknowledgementCodec;
import io.sensorproof.protocol.ack.BootAck;
import io.sensorproof.protocol.ack.Rejection;
import io.sensorproof.protocol.ack.SeqRange;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RecordingTransportTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final SigningKey gateway = Keys.generate(SignatureAlgorithm.ES256, RANDOM);

    /** A transport that only hands the listener over, so the test can deliver bytes as the broker would. */
    private static final class Loopback implements Transport {
        final AtomicReference<Listener> listener = new AtomicReference<>();

        @Override
        public void start(Listener l) {
            listener.set(l);
        }

        @Override
        public boolean isConnected() {
            return true;
        }

        @Override
        public void sendMessage(byte[] message) {
        }

        @Override
        public void sendStatus(byte[] status) {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void recordsEveryStoredKeyOfAVerifiedAcknowledgementAndPassesTheBytesOn() {
        Loopback inner = new Loopback();
        RecordingTransport recorder = new RecordingTransport(inner, gateway.verificationKey());
        List<byte[]> delivered = new ArrayList<>();
        recorder.start(listener(delivered));
        Acknowledgement ack = new Acknowledgement("dev-1", 1L, List.of(new BootAck(3, List.of(new SeqRange(5, 7)),
                List.of(new Rejection(9, "FUTURE_TIMESTAMP", "ahead")))));
        byte[] bytes = AcknowledgementCodec.sign(ack, gateway);

        inner.listener.get().acknowledgement(bytes);

        assertThat(delivered).containsExactly(bytes);
        assertThat(recorder.acknowledged()).containsExactlyInAnyOrder(new RecordingTransport.AckedKey("dev-1", 3, 5),
                new RecordingTransport.AckedKey("dev-1", 3, 6), new RecordingTransport.AckedKey("dev-1", 3, 7));
        assertThat(recorder.lastAckNanos()).isGreaterThan(Long.MIN_VALUE);
    }

    @Test
    void ignoresAcknowledgementsSignedByAnotherKey() {
        Loopback inner = new Loopback();
        RecordingTransport recorder = new RecordingTransport(inner, gateway.verificationKey());
        List<byte[]> delivered = new ArrayList<>();
        recorder.start(listener(delivered));
        SigningKey forger = Keys.generate(SignatureAlgorithm.ES256, RANDOM);
        byte[] forged = AcknowledgementCodec.sign(Acknowledgement.stored("dev-1", 1L, 3, 5), forger);

        inner.listener.get().acknowledgement(forged);

        assertThat(delivered).as("the agent still sees the bytes and judges them itself").hasSize(1);
        assertThat(recorder.acknowledged()).isEmpty();
        assertThat(recorder.unverified()).isEqualTo(1);
        assertThat(recorder.lastAckNanos()).isEqualTo(Long.MIN_VALUE);
    }

    private static Transport.Listener listener(List<byte[]> delivered) {
        return new Transport.Listener() {
            @Override
            public void connected() {
            }

            @Override
            public void disconnected(String reason) {
            }

            @Override
            public void acknowledgement(byte[] bytes) {
                delivered.add(bytes);
            }
        };
    }
}
