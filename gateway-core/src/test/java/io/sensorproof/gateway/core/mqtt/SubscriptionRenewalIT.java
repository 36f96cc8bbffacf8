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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ADR 055: on every connection the adapter subscribes to its share group's filter, and once more about
 * {@link MqttIngestAdapter#SUBSCRIPTION_RENEWAL} later, because HiveMQ CE can otherwise leave a share-group member
 * that it polled at the CONNACK believing it has no shared subscription, and then sends it a message only when the
 * group's queue was empty (a stall under load, seen in {@code BrokerProcessIT}'s two-member test). The race inside
 * the broker cannot be forced from outside, so this test checks what the adapter sends: a TCP tap between the
 * adapter and the real broker process counts the SUBSCRIBE packets per connection, on the first connection and on
 * the one after the broker link was cut.
 */
class SubscriptionRenewalIT {
    @TempDir
    Path dir;

    /** A SUBSCRIBE packet as seen on the wire: when, and its first topic filter. */
    private record Subscribe(long nanos, String filter) {
    }

    @Test
    void subscribesAgainOnEveryConnectionAfterTheBrokersFirstPoll() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path jar = Path.of(System.getProperty("repo.root", ".."), "embedded-broker", "target", "embedded-broker.jar");
        var gatewayKey = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
        Map<Integer, List<Subscribe>> subscribes = new ConcurrentHashMap<>();
        try (BrokerProcess broker = BrokerProcess.startAnonymous(jar, dir.resolve("broker"), "127.0.0.1", port, Duration.ofSeconds(90));
                MqttWireTap tap = MqttWireTap.start(new InetSocketAddress("127.0.0.1", port), (link, direction, packet) -> {
                    if (direction == MqttWireTap.Direction.TO_BROKER && packet.type() == MqttWireTap.SUBSCRIBE) {
                        subscribes.computeIfAbsent(link, l -> new CopyOnWriteArrayList<>())
                                .add(new Subscribe(System.nanoTime(), packet.subscribeFilter()));
                    }
                });
                MqttIngestAdapter gateway = new MqttIngestAdapter(MqttIngestSettings.defaults(tap.url(), "gateway-renewal"),
                        adapter -> IngestPipeline.builder().directory(kid -> Optional.empty()).store(new InMemoryMessageStore())
                                .quarantine(new InMemoryQuarantine()).acknowledger(adapter.acknowledger()).alerts(alert -> { })
                                .ackKey(gatewayKey).clock(Clock.systemUTC()).build(),
                        Clock.systemUTC())) {
            gateway.start();
            int first = tap.accepted();
            assertRenewed(subscribes, first);

            tap.refuse(); // the link is cut: the adapter reconnects once the tap admits it again
            await("the adapter lost its connection").atMost(Duration.ofSeconds(10)).until(() -> !gateway.isConnected());
            tap.admit();
            await("the adapter reconnected").atMost(Duration.ofSeconds(20)).until(gateway::isConnected);
            int second = tap.accepted();
            assertThat(second).isGreaterThan(first);
            assertRenewed(subscribes, second);
        }
    }

    private static void assertRenewed(Map<Integer, List<Subscribe>> subscribes, int link) {
        await("a second SUBSCRIBE on connection " + link).atMost(MqttIngestAdapter.SUBSCRIPTION_RENEWAL.plusSeconds(10))
                .until(() -> subscribes.getOrDefault(link, List.of()).size() >= 2);
        List<Subscribe> seen = subscribes.get(link);
        assertThat(seen).extracting(Subscribe::filter).containsOnly("$share/gateway/t/+/d/+/up");
        // not a resend of the first: it comes after the broker's poll at the CONNACK has long run
        assertThat(Duration.ofNanos(seen.get(1).nanos() - seen.get(0).nanos()))
                .isGreaterThanOrEqualTo(MqttIngestAdapter.SUBSCRIPTION_RENEWAL.minusMillis(100));
    }
}
