package io.sensorproof.agent.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sensorproof.agent.config.AgentConfig;
import io.sensorproof.protocol.retry.Backoff;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** Reconnect attempts against a port where nothing listens follow the backoff schedule. */
class MqttTransportReconnectTest {

    @Test
    void retriesWithGrowingJitteredDelaysWhileNothingListens() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Properties p = new Properties();
        p.setProperty("tenant", "acme");
        p.setProperty("device", "d1");
        p.setProperty("mqtt.url", "tcp://127.0.0.1:" + port);
        AgentConfig config = AgentConfig.resolve(p, Map.of());
        List<Long> delays = new CopyOnWriteArrayList<>();
        try (MqttTransport transport = new MqttTransport(config, new Backoff(Duration.ofMillis(50), Duration.ofMillis(400),
                RandomGenerator.of("L64X128MixRandom")), delays::add)) {
            transport.start(new Transport.Listener() {
                @Override
                public void connected() {
                }

                @Override
                public void disconnected(String reason) {
                }

                @Override
                public void acknowledgement(byte[] bytes) {
                }
            });
            await("six scheduled reconnects").atMost(Duration.ofSeconds(20)).until(() -> delays.size() >= 6);
            assertThat(transport.isConnected()).isFalse();
        }
        assertThat(delays).hasSizeGreaterThanOrEqualTo(5);
        assertThat(delays.get(0)).isBetween(25L, 50L);
        assertThat(delays.get(3)).isBetween(200L, 400L);
        assertThat(delays.subList(4, delays.size())).allSatisfy(d -> assertThat(d).isBetween(200L, 400L));
    }
}
