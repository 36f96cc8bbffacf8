package io.sensorproof.gateway.core.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorproof.agent.EdgeAgent;
import io.sensorproof.agent.config.AgentConfig;
import io.sensorproof.protocol.retry.Backoff;
import io.sensorproof.agent.transport.MqttTransport;
import io.sensorproof.broker.BrokerProcess;
import io.sensorproof.gateway.core.DeviceStatus;
import io.sensorproof.gateway.core.InMemoryMessageStore;
import io.sensorproof.gateway.core.InMemoryQuarantine;
import io.sensorproof.gateway.core.IngestPipeline;
import io.sensorproof.gateway.core.RegisteredDevice;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real edge agent talks to the ingest pipeline through the standalone broker process: its
 * readings are stored once, its outbox drains on the pipeline's signed acknowledgements, and a
 * message forged under its kid ends in quarantine without disturbing it.
 */
class AgentToPipelineIT {
    @TempDir
    Path dir;

    @Test
    void agentReadingsAreStoredOnceAndItsOutboxDrains() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path jar = Path.of(System.getProperty("repo.root", ".."), "embedded-broker", "target", "embedded-broker.jar");
        SigningKey gatewayKey = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
        SigningKey deviceKey = Keys.generate(SignatureAlgorithm.EDDSA, new SecureRandom());
        RegisteredDevice device = new RegisteredDevice("acme", "cold-room-7", deviceKey.verificationKey(), DeviceStatus.ACTIVE);
        InMemoryMessageStore store = new InMemoryMessageStore();
        InMemoryQuarantine quarantine = new InMemoryQuarantine();

        try (BrokerProcess broker = BrokerProcess.startAnonymous(jar, dir.resolve("broker"), "127.0.0.1", port, Duration.ofSeconds(90));
                MqttIngestAdapter gateway = new MqttIngestAdapter(MqttIngestSettings.defaults(broker.url(), "gateway-a"),
                        adapter -> IngestPipeline.builder()
                                .directory(kid -> Arrays.equals(kid, deviceKey.verificationKey().kid()) ? Optional.of(device) : Optional.empty())
                                .store(store).quarantine(quarantine).acknowledger(adapter.acknowledger())
                                .alerts(alert -> { }).ackKey(gatewayKey).clock(Clock.systemUTC()).build(),
                        Clock.systemUTC())) {
            gateway.start();
            Properties p = new Properties();
            p.setProperty("tenant", "acme");
            p.setProperty("device", "cold-room-7");
            p.setProperty("data.dir", dir.resolve("agent").toString());
            p.setProperty("gateway.ack-key", Base64.getEncoder().encodeToString(gatewayKey.verificationKey().spki()));
            p.setProperty("mqtt.url", broker.url());
            // packs sealed by count only: every third reading is a register, whose durable write (two fsyncs)
            // can take longer than a short pack age on a loaded machine, which would change the message count
            p.setProperty("pack.max-age-millis", "600000");
            AgentConfig config = AgentConfig.resolve(p, Map.of());
            long now = System.currentTimeMillis();
            try (EdgeAgent agent = EdgeAgent.start(config, deviceKey, gatewayKey.verificationKey(),
                    metrics -> new MqttTransport(config, new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2), new SecureRandom()),
                            metrics::recordBackoff), Clock.systemUTC())) {
                for (int i = 0; i < 1000; i++) {
                    Quantity q = Quantity.values()[i % 3];
                    // the emissions register only goes up (the agent refuses a lower one)
                    agent.submit(new Reading(q, q == Quantity.CO2E_REGISTER ? 1_000 + i : 20 + i % 10, now - 60_000 + i));
                }
                agent.flush();
                assertThat(agent.awaitDrained(Duration.ofSeconds(60))).as("agent drained: %s", agent.describe()).isTrue();
                assertThat(agent.metrics().acksForged()).isZero();
            }
            assertThat(store.messages()).hasSize(100);
            assertThat(store.readingCount()).isEqualTo(1000);
            assertThat(quarantine.entries()).isEmpty();
            assertThat(gateway.processed()).isGreaterThanOrEqualTo(100);
        }
    }
}
