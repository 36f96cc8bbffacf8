package io.sensorproof.gateway.core.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sensorproof.broker.BrokerProcess;
import io.sensorproof.gateway.core.AcceptedMessage;
import io.sensorproof.gateway.core.ContentDigest;
import io.sensorproof.gateway.core.DeviceStatus;
import io.sensorproof.gateway.core.InMemoryMessageStore;
import io.sensorproof.gateway.core.InMemoryQuarantine;
import io.sensorproof.gateway.core.IngestPipeline;
import io.sensorproof.gateway.core.MessageKey;
import io.sensorproof.gateway.core.MessageStore;
import io.sensorproof.gateway.core.Quarantine;
import io.sensorproof.gateway.core.QuarantineEntry;
import io.sensorproof.gateway.core.RegisteredDevice;
import io.sensorproof.gateway.core.StoredOutcome;
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
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17, ADR 028: the gateway's MQTT session outlives a gateway crash. A device's message
 * reaches the gateway, which dies (its connection cut without a DISCONNECT, the store's transaction
 * never committed) before it PUBACKs it; while no gateway runs, a conflicting duplicate (same device,
 * boot and seq, other content, validly signed) is published by a one-shot publisher that never
 * resends. A gateway started again with the same client id must account for both: the message
 * stored once and the duplicate refused as {@code CONFLICTING_DUPLICATE} and kept in quarantine (ADR
 * 007). With a clean session on every connection the broker drops both, and nothing arrives.
 * Runs the real standalone broker (HiveMQ CE) process.
 */
class SessionAcrossGatewayKillIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String CLIENT_ID = "gateway-session-it";
    private static final Duration SESSION_EXPIRY = Duration.ofHours(1);

    @TempDir
    Path dir;

    /**
     * The killed gateway's view of the database: reads go to the database, and its one store
     * transaction waits until the test "kills" the gateway, then fails without committing.
     */
    private static final class DyingStore implements MessageStore {
        final MessageStore database;
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch killed = new CountDownLatch(1);

        DyingStore(MessageStore database) {
            this.database = database;
        }

        @Override
        public StoredOutcome store(List<AcceptedMessage> batch) {
            entered.countDown();
            try {
                killed.await(10, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("the gateway died before this transaction committed");
        }

        @Override
        public Map<MessageKey, ContentDigest> storedDigests(Collection<MessageKey> keys) {
            return database.storedDigests(keys);
        }
    }

    @Test
    void messageInFlightAndConflictPublishedWhileDownAreBothAccountedForAfterRestart() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path jar = Path.of(System.getProperty("repo.root", ".."), "embedded-broker", "target", "embedded-broker.jar");
        SigningKey gatewayKey = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
        SigningKey deviceKey = Keys.generate(SignatureAlgorithm.EDDSA, new SecureRandom());
        RegisteredDevice device = new RegisteredDevice("acme", "cold-room-7", deviceKey.verificationKey(), DeviceStatus.ACTIVE);
        long now = System.currentTimeMillis();
        byte[] original = ReadingMessages.sign(new ReadingPack("cold-room-7",
                List.of(new Reading(Quantity.TEMPERATURE, 4.5, now - 10_000))), 3, 17, now, deviceKey);
        byte[] conflicting = ReadingMessages.sign(new ReadingPack("cold-room-7",
                List.of(new Reading(Quantity.TEMPERATURE, 9.5, now - 10_000))), 3, 17, now, deviceKey);
        MessageKey key = new MessageKey("cold-room-7", 3, 17);

        InMemoryMessageStore database = new InMemoryMessageStore();
        InMemoryQuarantine quarantine = new InMemoryQuarantine();
        DyingStore dying = new DyingStore(database);
        MqttIngestSettings settings = MqttIngestSettings.defaults("tcp://127.0.0.1:" + port, CLIENT_ID).withSessionExpiry(SESSION_EXPIRY);

        BrokerProcess broker = BrokerProcess.startAnonymous(jar, dir.resolve("broker"), "127.0.0.1", port, Duration.ofSeconds(90));
        try {
            // the first gateway, behind a tap whose close cuts its connection as a crash would (no DISCONNECT)
            MqttWireTap tap = MqttWireTap.start(new InetSocketAddress("127.0.0.1", port), (link, direction, packet) -> { });
            MqttIngestAdapter first = new MqttIngestAdapter(new MqttIngestSettings(tap.url(), settings.clientId(), settings.shareGroup(),
                    settings.receiveMaximum(), settings.queueCapacity(), settings.batchMax(), settings.batchLinger(), null, null,
                    settings.sessionExpiry()), a -> pipeline(a, device, deviceKey, gatewayKey, dying, new InMemoryQuarantine()),
                    Clock.systemUTC());
            first.start();
            publishOnce(broker.url(), "device-cold-room-7", original);
            assertThat(dying.entered.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the message reached the first gateway's store").isTrue();

            tap.close();
            await().atMost(WAIT).until(() -> !first.isConnected());
            dying.killed.countDown();
            first.close();
            assertThat(database.messages()).as("nothing committed by the killed gateway").isEmpty();

            // while no gateway runs: the conflicting duplicate, from a publisher that never resends
            publishOnce(broker.url(), "forger", conflicting);

            try (MqttIngestAdapter second = new MqttIngestAdapter(settings,
                    a -> pipeline(a, device, deviceKey, gatewayKey, database, quarantine), Clock.systemUTC())) {
                second.start();
                await("after the restart: the message stored and its conflicting duplicate quarantined").atMost(WAIT)
                        .until(() -> database.get(key).isPresent() && !quarantine.entries().isEmpty());
                await().atMost(WAIT).until(() -> second.processed() >= 2);
                assertThat(database.messages()).as("stored once").hasSize(1);
                List<QuarantineEntry> kept = quarantine.entries();
                assertThat(kept).hasSize(1);
                assertThat(kept.get(0).reason().name()).isEqualTo("CONFLICTING_DUPLICATE");
                assertThat(kept.get(0).boot()).isEqualTo(3);
                assertThat(kept.get(0).seq()).isEqualTo(17);
                // whichever came first is stored; the other is the conflict, kept byte for byte
                byte[] stored = database.get(key).orElseThrow().raw();
                byte[] refused = kept.get(0).raw();
                assertThat(List.of(stored, refused)).as("stored and quarantined are the two messages")
                        .anySatisfy(b -> assertThat(b).isEqualTo(original)).anySatisfy(b -> assertThat(b).isEqualTo(conflicting));
                assertThat(Arrays.equals(stored, refused)).isFalse();
            }
        } finally {
            broker.close();
        }
    }

    private static IngestPipeline pipeline(MqttIngestAdapter adapter, RegisteredDevice device, SigningKey deviceKey, SigningKey gatewayKey,
            MessageStore store, Quarantine quarantine) {
        return IngestPipeline.builder()
                .directory(kid -> Arrays.equals(kid, deviceKey.verificationKey().kid()) ? Optional.of(device) : Optional.empty())
                .store(store).quarantine(quarantine).acknowledger(adapter.acknowledger())
                .alerts(alert -> { }).ackKey(gatewayKey).clock(Clock.systemUTC()).build();
    }

    /** One QoS 1 publish that the broker acknowledged, then gone: no outbox, no resend. */
    private static void publishOnce(String url, String clientId, byte[] payload) throws Exception {
        MqttClient client = new MqttClient(url, clientId, new MemoryPersistence());
        try {
            MqttConnectionOptions options = new MqttConnectionOptions();
            options.setCleanStart(true);
            client.connect(options);
            MqttMessage message = new MqttMessage(payload);
            message.setQos(1);
            client.publish(Topics.up("acme", "cold-room-7"), message);
            client.disconnect();
        } finally {
            client.close();
        }
    }
}
