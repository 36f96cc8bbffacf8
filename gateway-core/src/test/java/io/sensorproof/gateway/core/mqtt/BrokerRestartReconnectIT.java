package io.sensorproof.gateway.core.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sensorproof.broker.BrokerProcess;
import io.sensorproof.gateway.core.InMemoryMessageStore;
import io.sensorproof.gateway.core.InMemoryQuarantine;
import io.sensorproof.gateway.core.IngestPipeline;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17's broker restart (ADR 049): after its broker went away for a while, the gateway's MQTT
 * adapter is back within its largest reconnect delay of the broker accepting again, not after a
 * backoff that grew while the broker was down (it used to double from 1 s to 30 s: a broker back
 * after 20 s was found at 31 s). The broker (the real standalone HiveMQ process) is restarted behind
 * a TCP tap that refuses the adapter until the broker listens again and the adapter has failed at
 * least five attempts, and then admits it right after a failed attempt: the moment the broker is back
 * is the test's, not the broker's start time, and a backoff that doubles past 2 s then waits 15 s or
 * more for its next attempt.
 */
class BrokerRestartReconnectIT {
    /** Failed attempts while the broker is down before it starts again. */
    private static final int FAILED_ATTEMPTS = 5;
    /** The largest reconnect delay the adapter promises (ADR 049), fixed here rather than read from the code under test. */
    private static final Duration LARGEST_DELAY = Duration.ofSeconds(2);
    /** Beyond the largest delay: CONNECT and CONNACK with a broker that has just started, on a busy machine. */
    private static final Duration SLACK = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    @Test
    void reconnectsWithinTheLargestBackoffDelayOfTheBrokerAcceptingAgain() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path jar = Path.of(System.getProperty("repo.root", ".."), "embedded-broker", "target", "embedded-broker.jar");
        Path brokerDir = dir.resolve("broker");
        var gatewayKey = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
        BrokerProcess broker = BrokerProcess.startAnonymous(jar, brokerDir, "127.0.0.1", port, Duration.ofSeconds(90));
        try (MqttWireTap tap = MqttWireTap.start(new InetSocketAddress("127.0.0.1", port), (link, direction, packet) -> { });
                MqttIngestAdapter gateway = new MqttIngestAdapter(MqttIngestSettings.defaults(tap.url(), "gateway-a"),
                        adapter -> IngestPipeline.builder().directory(kid -> Optional.empty()).store(new InMemoryMessageStore())
                                .quarantine(new InMemoryQuarantine()).acknowledger(adapter.acknowledger()).alerts(alert -> { })
                                .ackKey(gatewayKey).clock(Clock.systemUTC()).build(),
                        Clock.systemUTC())) {
            gateway.start();
            assertThat(gateway.isConnected()).isTrue();
            int before = tap.accepted();

            tap.refuse();
            broker.close();
            broker = BrokerProcess.startAnonymous(jar, brokerDir, "127.0.0.1", port, Duration.ofSeconds(90));
            int restarted = tap.accepted();
            await("the adapter tries again while the broker is down").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(10))
                    .until(() -> tap.accepted() >= Math.max(before + FAILED_ATTEMPTS, restarted + 1));
            tap.admit();
            assertThat(gateway.isConnected()).isFalse();

            Duration bound = LARGEST_DELAY.plus(SLACK);
            await("reconnected within " + bound + " of the broker accepting").atMost(bound).until(gateway::isConnected);
        } finally {
            broker.close();
        }
    }
}
