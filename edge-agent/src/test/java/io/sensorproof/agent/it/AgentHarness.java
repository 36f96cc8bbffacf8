package io.sensorproof.agent.it;

import io.sensorproof.agent.EdgeAgent;
import io.sensorproof.agent.config.AgentConfig;
import io.sensorproof.protocol.retry.Backoff;
import io.sensorproof.agent.transport.MqttTransport;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.cose.VerificationKey;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.Properties;

/** Builds agents, keys and configurations for the integration tests. */
final class AgentHarness {
    static final SigningKey GATEWAY_KEY = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
    static final long T0 = 1_764_000_000_000L;

    private AgentHarness() {
    }

    static Properties properties(String brokerUrl, Path dataDir, String device) {
        Properties p = new Properties();
        p.setProperty("tenant", "acme");
        p.setProperty("device", device);
        p.setProperty("data.dir", dataDir.toString());
        p.setProperty("gateway.ack-key", Base64.getEncoder().encodeToString(GATEWAY_KEY.verificationKey().spki()));
        p.setProperty("mqtt.url", brokerUrl);
        p.setProperty("pack.max-records", "10");
        p.setProperty("pack.max-age-millis", "200");
        p.setProperty("ack.timeout-millis", "5000");
        p.setProperty("reconnect.min-millis", "100");
        p.setProperty("reconnect.max-millis", "2000");
        p.setProperty("outbox.capacity-bytes", Long.toString(64L << 20));
        return p;
    }

    static AgentConfig config(Properties p) {
        return AgentConfig.resolve(p, Map.of());
    }

    static EdgeAgent start(AgentConfig config, SigningKey deviceKey) throws Exception {
        return start(config, deviceKey, GATEWAY_KEY.verificationKey());
    }

    static EdgeAgent start(AgentConfig config, SigningKey deviceKey, VerificationKey ackKey) throws Exception {
        return EdgeAgent.start(config, deviceKey, ackKey,
                metrics -> new MqttTransport(config, new Backoff(config.reconnectMin(), config.reconnectMax(), new SecureRandom()),
                        metrics::recordBackoff),
                Clock.systemUTC());
    }

    static Reading reading(int i) {
        Quantity q = Quantity.values()[i % 3];
        double value = switch (q) {
            case TEMPERATURE -> 2.0 + (i % 50) / 10.0;
            case HUMIDITY -> 40 + i % 30;
            case CO2E_REGISTER -> 1_000_000 + i;
        };
        return new Reading(q, value, T0 + i * 100L);
    }
}
