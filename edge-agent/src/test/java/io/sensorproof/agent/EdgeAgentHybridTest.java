package io.sensorproof.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.sensorproof.agent.config.AgentConfig;
import io.sensorproof.agent.keys.KeyFiles;
import io.sensorproof.agent.transport.Transport;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.message.ReadingMessage;
import io.sensorproof.protocol.message.ReadingMessages;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A hybrid device's agent (ADR 029) signs every message with its classical and its ML-DSA key. */
class EdgeAgentHybridTest {
    @TempDir
    Path dir;

    /** Always connected; keeps what it is asked to send, acknowledges nothing. */
    private static final class Capturing implements Transport {
        final List<byte[]> sent = new CopyOnWriteArrayList<>();

        @Override
        public void start(Listener listener) {
            listener.connected();
        }

        @Override
        public boolean isConnected() {
            return true;
        }

        @Override
        public void sendMessage(byte[] message) {
            sent.add(message);
        }

        @Override
        public void sendStatus(byte[] status) {
        }

        @Override
        public void close() {
        }
    }

    private AgentConfig config(Path postQuantumKeyFile) {
        Properties p = new Properties();
        p.setProperty("tenant", "acme");
        p.setProperty("device", "hybrid-1");
        p.setProperty("data.dir", dir.resolve("data").toString());
        p.setProperty("pack.max-records", "1");
        if (postQuantumKeyFile != null) {
            p.setProperty("post-quantum-key.file", postQuantumKeyFile.toString());
        }
        return AgentConfig.resolve(p, Map.of());
    }

    private byte[] firstMessage(AgentConfig config, SigningKey key) throws Exception {
        SigningKey gateway = KeyFiles.generate(dir.resolve("gw.p8"), SignatureAlgorithm.ES256);
        Capturing transport = new Capturing();
        try (EdgeAgent agent = EdgeAgent.start(config, key, gateway.verificationKey(), metrics -> transport, Clock.systemUTC())) {
            agent.submit(new Reading(Quantity.TEMPERATURE, 4.25, 1_764_000_000_000L));
            await("the sealed pack is sent").atMost(Duration.ofSeconds(20)).until(() -> !transport.sent.isEmpty());
        }
        return transport.sent.get(0);
    }

    @Test
    void hybridAgentSignsWithBothKeys() throws Exception {
        SigningKey classical = KeyFiles.generate(dir.resolve("device-key.p8"), SignatureAlgorithm.ES256);
        SigningKey pq = KeyFiles.generate(dir.resolve("pq-key.p8"), SignatureAlgorithm.ML_DSA_65);
        ReadingMessage m = ReadingMessages.decode(firstMessage(config(dir.resolve("pq-key.p8")), classical));
        assertThat(m.isHybrid()).isTrue();
        m.verify(classical.verificationKey(), pq.verificationKey());
        assertThat(m.pack().readings()).containsExactly(new Reading(Quantity.TEMPERATURE, 4.25, 1_764_000_000_000L));
    }

    @Test
    void withoutThePostQuantumKeyTheAgentSignsOnce() throws Exception {
        SigningKey classical = KeyFiles.generate(dir.resolve("device-key.p8"), SignatureAlgorithm.ES256);
        ReadingMessage m = ReadingMessages.decode(firstMessage(config(null), classical));
        assertThat(m.isHybrid()).isFalse();
        m.verify(classical.verificationKey());
    }

    @Test
    void aPostQuantumKeyThatIsNotMlDsaRefusesTheStart() throws Exception {
        SigningKey classical = KeyFiles.generate(dir.resolve("device-key.p8"), SignatureAlgorithm.ES256);
        KeyFiles.generate(dir.resolve("not-pq.p8"), SignatureAlgorithm.EDDSA);
        SigningKey gateway = KeyFiles.generate(dir.resolve("gw.p8"), SignatureAlgorithm.ES256);
        assertThatThrownBy(() -> EdgeAgent.start(config(dir.resolve("not-pq.p8")), classical, gateway.verificationKey(),
                metrics -> new Capturing(), Clock.systemUTC())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("post-quantum-key.file");
    }
}
