package io.sensorproof.agent.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sensorproof.agent.config.AgentConfig;
import io.sensorproof.protocol.retry.Backoff;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * Reconnect attempts against a port where nothing listens follow the backoff schedule, and attempts
 * against a server that accepts and drops the connection leave no thread behind.
 */
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

    /**
     * A broker (or a proxy in front of it) that accepts the TCP connection and closes it at once, as one at its connection
     * limit does. Paho 1.2.5 left the thread of every such attempt sleeping for ever in {@code CommsReceiver.start}
     * (eclipse-paho/paho.mqtt.java PR #953, issue #999): a device retrying for a day leaked a thread per attempt, and
     * a simulated fleet under load leaked thousands (ADR 059).
     */
    @Test
    void attemptsDroppedByTheServerLeaveNoThreadBehind() throws Exception {
        AtomicInteger accepted = new AtomicInteger();
        try (ServerSocket server = new ServerSocket(0)) {
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try (Socket s = server.accept()) {
                        accepted.incrementAndGet();
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "accept-and-close");
            acceptor.setDaemon(true);
            acceptor.start();
            Properties p = new Properties();
            p.setProperty("tenant", "acme");
            p.setProperty("device", "d1");
            p.setProperty("mqtt.url", "tcp://127.0.0.1:" + server.getLocalPort());
            AgentConfig config = AgentConfig.resolve(p, Map.of());
            AtomicInteger disconnects = new AtomicInteger();
            try (MqttTransport transport = new MqttTransport(config, new Backoff(Duration.ofMillis(20), Duration.ofMillis(40),
                    RandomGenerator.of("L64X128MixRandom")), d -> { })) {
                transport.start(new Transport.Listener() {
                    @Override
                    public void connected() {
                    }

                    @Override
                    public void disconnected(String reason) {
                        disconnects.incrementAndGet();
                    }

                    @Override
                    public void acknowledgement(byte[] bytes) {
                    }
                });
                await("5 attempts").atMost(Duration.ofSeconds(30)).until(() -> accepted.get() >= 5);
                Thread.sleep(500);
                int threadsAfter5 = Thread.activeCount();
                int attemptsAt5 = accepted.get();
                await("25 more attempts").atMost(Duration.ofSeconds(60)).until(() -> accepted.get() >= attemptsAt5 + 25);
                Thread.sleep(500);
                int threadsAfter30 = Thread.activeCount();
                assertThat(transport.isConnected()).isFalse();
                assertThat(disconnects.get()).as("each dropped attempt reported").isGreaterThanOrEqualTo(25);
                assertThat(threadsAfter30 - threadsAfter5).as("threads gained over 25 dropped attempts (%d -> %d)", threadsAfter5,
                        threadsAfter30).isLessThan(5);
            }
        }
    }
}
