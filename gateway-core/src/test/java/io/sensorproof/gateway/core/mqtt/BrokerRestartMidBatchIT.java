package io.sensorproof.gateway.core.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sensorproof.broker.BrokerProcess;
import io.sensorproof.gateway.core.DeviceStatus;
import io.sensorproof.gateway.core.InMemoryQuarantine;
import io.sensorproof.gateway.core.IngestPipeline;
import io.sensorproof.gateway.core.MessageKey;
import io.sensorproof.gateway.core.RegisteredDevice;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.ids.Topics;
import io.sensorproof.protocol.message.ReadingMessages;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import io.sensorproof.protocol.senml.ReadingPack;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 item 3: the adapter acknowledges manually after the pipeline decided, and its queue
 * outlives a connection. Here the broker (the real standalone HiveMQ process) is restarted while
 * the worker is stuck in the store with a batch of the first connection, and a second batch of
 * messages reaches the queue over the new connection before the store lets go. A PUBACK of the
 * first connection's packet ids on the new connection would acknowledge the new connection's
 * messages before they are stored. A wire tap between adapter and broker checks every PUBACK at
 * the moment it passes: it must answer a PUBLISH outstanding on the same connection whose message
 * is already stored. And nothing may be lost or stored twice.
 */
class BrokerRestartMidBatchIT {
    private static final int PER_PHASE = 10;
    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    /** Follows each tapped connection: outstanding PUBLISHes by packet id, and checks each PUBACK. */
    private static final class PubackAudit implements MqttWireTap.Observer {
        private final GatedStore store;
        private final Map<ByteBuffer, MessageKey> keyOfPayload;
        final Map<Integer, Map<Integer, MessageKey>> outstanding = new ConcurrentHashMap<>();
        final Map<Integer, Set<MessageKey>> acknowledged = new ConcurrentHashMap<>();
        final Set<Integer> subscribed = ConcurrentHashMap.newKeySet();
        final Map<Integer, Integer> publishes = new ConcurrentHashMap<>();
        final Map<Integer, Set<MessageKey>> delivered = new ConcurrentHashMap<>();
        final List<String> violations = new CopyOnWriteArrayList<>();

        PubackAudit(GatedStore store, Map<ByteBuffer, MessageKey> keyOfPayload) {
            this.store = store;
            this.keyOfPayload = keyOfPayload;
        }

        @Override
        public void packet(int link, MqttWireTap.Direction direction, MqttWireTap.Packet packet) {
            if (direction == MqttWireTap.Direction.TO_CLIENT && packet.type() == MqttWireTap.SUBACK) {
                subscribed.add(link);
            } else if (direction == MqttWireTap.Direction.TO_CLIENT && packet.type() == MqttWireTap.PUBLISH && packet.qos() == 1) {
                MqttWireTap.Publish p = packet.publish();
                MessageKey key = keyOfPayload.get(ByteBuffer.wrap(p.payload()));
                publishes.merge(link, 1, Integer::sum);
                if (key != null) {
                    delivered.computeIfAbsent(link, l -> ConcurrentHashMap.newKeySet()).add(key);
                    outstanding.computeIfAbsent(link, l -> new ConcurrentHashMap<>()).put(p.packetId(), key);
                }
            } else if (direction == MqttWireTap.Direction.TO_BROKER && packet.type() == MqttWireTap.PUBACK) {
                int id = packet.packetId();
                MessageKey key = outstanding.getOrDefault(link, Map.of()).remove(id);
                if (key == null) {
                    violations.add("connection " + link + ": PUBACK " + id + " answers no PUBLISH outstanding on this connection");
                } else if (!store.contains(key)) {
                    violations.add("connection " + link + ": PUBACK " + id + " acknowledges " + key + " before it is stored");
                } else {
                    acknowledged.computeIfAbsent(link, l -> ConcurrentHashMap.newKeySet()).add(key);
                }
            }
        }

        /** QoS 1 PUBLISHes the broker sent on {@code link}. */
        int published(int link) {
            return publishes.getOrDefault(link, 0);
        }

        /**
         * Per connection: PUBLISHes, distinct messages (by seq) and those not yet acknowledged, for a
         * failure message (ci21 timed out here with nothing to tell which message was missing where).
         */
        String describe() {
            StringBuilder b = new StringBuilder();
            for (int link : new java.util.TreeSet<>(publishes.keySet())) {
                b.append("connection ").append(link).append(": ").append(published(link)).append(" PUBLISHes of ")
                        .append(delivered.getOrDefault(link, Set.of()).size()).append(" messages ")
                        .append(new java.util.TreeSet<>(delivered.getOrDefault(link, Set.of()).stream().map(k -> k.seq()).toList()))
                        .append(", outstanding ").append(outstanding.getOrDefault(link, Map.of())).append("; ");
            }
            return b.toString();
        }

        int newestSubscribedLink() {
            return subscribed.stream().mapToInt(Integer::intValue).max().orElse(0);
        }
    }

    @Test
    void brokerRestartMidBatchNeverAcknowledgesOldPacketIdsOnTheNewConnection() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path jar = Path.of(System.getProperty("repo.root", ".."), "embedded-broker", "target", "embedded-broker.jar");
        Path brokerDir = dir.resolve("broker");
        SigningKey gatewayKey = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
        SigningKey deviceKey = Keys.generate(SignatureAlgorithm.EDDSA, new SecureRandom());
        RegisteredDevice device = new RegisteredDevice("acme", "cold-room-7", deviceKey.verificationKey(), DeviceStatus.ACTIVE);
        long now = System.currentTimeMillis();
        Map<ByteBuffer, MessageKey> keyOfPayload = new HashMap<>();
        List<byte[]> before = new ArrayList<>();
        List<byte[]> after = new ArrayList<>();
        for (long seq = 0; seq < 2 * PER_PHASE; seq++) {
            byte[] m = ReadingMessages.sign(new ReadingPack("cold-room-7", List.of(new Reading(Quantity.TEMPERATURE, 4 + seq % 3, now - 60_000 + seq))),
                    1, seq, now, deviceKey);
            keyOfPayload.put(ByteBuffer.wrap(m), new MessageKey("cold-room-7", 1, seq));
            (seq < PER_PHASE ? before : after).add(m);
        }
        GatedStore store = new GatedStore();
        InMemoryQuarantine quarantine = new InMemoryQuarantine();
        PubackAudit audit = new PubackAudit(store, keyOfPayload);

        BrokerProcess broker = BrokerProcess.startAnonymous(jar, brokerDir, "127.0.0.1", port, Duration.ofSeconds(90));
        try (MqttWireTap tap = MqttWireTap.start(new InetSocketAddress("127.0.0.1", port), audit);
                MqttIngestAdapter gateway = new MqttIngestAdapter(MqttIngestSettings.defaults(tap.url(), "gateway-a"),
                        adapter -> IngestPipeline.builder()
                                .directory(kid -> Arrays.equals(kid, deviceKey.verificationKey().kid()) ? Optional.of(device) : Optional.empty())
                                .store(store).quarantine(quarantine).acknowledger(adapter.acknowledger())
                                .alerts(alert -> { }).ackKey(gatewayKey).clock(Clock.systemUTC()).build(),
                        Clock.systemUTC())) {
            gateway.start();
            int firstLink = audit.newestSubscribedLink();
            publish(broker.url(), "device-before", before);
            assertThat(store.entered.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("first batch reached the store").isTrue();
            // packet ids the adapter holds from the first connection, not yet acknowledged
            Set<Integer> firstIds = Set.copyOf(audit.outstanding.get(firstLink).keySet());

            broker.close();
            broker = BrokerProcess.startAnonymous(jar, brokerDir, "127.0.0.1", port, Duration.ofSeconds(90));
            await().atMost(WAIT).until(() -> audit.newestSubscribedLink() > firstLink && gateway.isConnected());
            int secondLink = audit.newestSubscribedLink();
            // the broker first redelivers the whole first phase on the new connection. The second phase is
            // published after that: HiveMQ CE 2025.5 can leave messages published to a shared subscription
            // while it is still redelivering to a just-subscribed member in the shared queue until some later
            // publish wakes it (ci21 and one run in 7 here: the second phase never came; a subscriber after
            // another restart got all of it). A device resends on its acknowledgement timeout, which is such
            // a publish; this test's one-shot publisher does not (ADR 041).
            await().atMost(WAIT).until(() -> audit.delivered.getOrDefault(secondLink, Set.of()).stream()
                    .filter(k -> k.seq() < PER_PHASE).count() == PER_PHASE);
            publish(broker.url(), "device-after", after);
            // the new connection reuses the first connection's packet ids for other deliveries, and
            // the adapter has queued them behind the stuck batch
            await().atMost(WAIT).until(() -> audit.outstanding.getOrDefault(secondLink, Map.of()).keySet().containsAll(firstIds)
                    && gateway.received() >= audit.published(firstLink) + audit.published(secondLink));
            store.gate.countDown();

            try {
                await().atMost(WAIT).until(() -> !audit.violations.isEmpty()
                        || store.delegate.messages().size() == 2 * PER_PHASE && audit.outstanding.get(secondLink).isEmpty());
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("not all stored and acknowledged on connection " + secondLink + ": stored "
                        + store.delegate.messages().size() + " of " + 2 * PER_PHASE + ", " + audit.describe() + "adapter received "
                        + gateway.received() + ", processed " + gateway.processed() + ", stale " + gateway.staleUnacknowledged()
                        + ", connected " + gateway.isConnected(), e);
            }
            assertThat(audit.violations).as("PUBACKs that acknowledge the wrong message").isEmpty();
            assertThat(store.inserts).as("every message inserted exactly once").hasSize(2 * PER_PHASE)
                    .allSatisfy((k, n) -> assertThat(n).isEqualTo(1));
            assertThat(audit.acknowledged.getOrDefault(firstLink, Set.of())).as("nothing acknowledged on the lost connection").isEmpty();
            assertThat(gateway.staleUnacknowledged()).as("messages of the lost connection, processed but not PUBACKed")
                    .isEqualTo(audit.published(firstLink));
            assertThat(quarantine.entries()).isEmpty();
        } finally {
            broker.close();
        }
    }

    private static void publish(String url, String clientId, List<byte[]> messages) throws Exception {
        MqttClient client = new MqttClient(url, clientId, new MemoryPersistence());
        try {
            MqttConnectionOptions options = new MqttConnectionOptions();
            options.setCleanStart(true);
            client.connect(options);
            for (byte[] m : messages) {
                MqttMessage message = new MqttMessage(m);
                message.setQos(1);
                client.publish(Topics.up("acme", "cold-room-7"), message);
            }
            client.disconnect();
        } finally {
            client.close();
        }
    }
}
