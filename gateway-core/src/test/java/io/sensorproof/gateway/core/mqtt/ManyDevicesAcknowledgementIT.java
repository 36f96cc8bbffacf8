package io.sensorproof.gateway.core.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sensorproof.broker.BrokerProcess;
import io.sensorproof.gateway.core.DeviceStatus;
import io.sensorproof.gateway.core.InMemoryQuarantine;
import io.sensorproof.gateway.core.IngestPipeline;
import io.sensorproof.gateway.core.RegisteredDevice;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.ids.Topics;
import io.sensorproof.protocol.message.ReadingMessages;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import io.sensorproof.protocol.senml.ReadingPack;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ADR 054: a batch of messages from many devices is answered with one signed acknowledgement per device,
 * each a QoS 1 publish of the gateway's connection. HiveMQ CE lets a client have 10 of those unacknowledged
 * by default (its Receive Maximum), so the ingest worker stopped after every tenth acknowledgement until the
 * broker's PUBACKs came back, and a fleet of 1,000 devices was held to about 330 messages a second with the
 * gateway's CPU half idle. Here the standalone broker (the real process) gets a batch of 200 devices' messages
 * and the adapter publishes all 200 acknowledgements without waiting.
 */
class ManyDevicesAcknowledgementIT {
    private static final int DEVICES = 200;
    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    @Test
    void acknowledgesABatchOfManyDevicesWithoutWaitingForTheBroker() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path jar = Path.of(System.getProperty("repo.root", ".."), "embedded-broker", "target", "embedded-broker.jar");
        SigningKey gatewayKey = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
        Map<ByteBuffer, RegisteredDevice> devices = new HashMap<>();
        Map<String, byte[]> messages = new HashMap<>();
        long now = System.currentTimeMillis();
        for (int i = 0; i < DEVICES; i++) {
            SigningKey key = Keys.generate(SignatureAlgorithm.EDDSA, new SecureRandom());
            String id = "cold-room-" + i;
            devices.put(ByteBuffer.wrap(key.verificationKey().kid()), new RegisteredDevice("acme", id, key.verificationKey(), DeviceStatus.ACTIVE));
            messages.put(id, ReadingMessages.sign(new ReadingPack(id, List.of(new Reading(Quantity.TEMPERATURE, 4, now - 1_000))), 1, 0, now, key));
        }
        GatedStore store = new GatedStore();
        try (BrokerProcess broker = BrokerProcess.startAnonymous(jar, dir.resolve("broker"), "127.0.0.1", port, Duration.ofSeconds(90));
                MqttIngestAdapter gateway = new MqttIngestAdapter(MqttIngestSettings.defaults(broker.url(), "gateway-a"),
                        adapter -> IngestPipeline.builder()
                                .directory(kid -> Optional.ofNullable(devices.get(ByteBuffer.wrap(kid))))
                                .store(store).quarantine(new InMemoryQuarantine()).acknowledger(adapter.acknowledger())
                                .alerts(alert -> { }).ackKey(gatewayKey).clock(Clock.systemUTC()).build(),
                        Clock.systemUTC())) {
            gateway.start();
            MqttClient publisher = new MqttClient(broker.url(), "devices", new MemoryPersistence());
            MqttConnectionOptions options = new MqttConnectionOptions();
            options.setCleanStart(true);
            publisher.connect(options);
            List<String> ids = List.copyOf(new java.util.TreeMap<>(messages).keySet());
            publish(publisher, ids.get(0), messages.get(ids.get(0)));
            // the worker holds the first message in the store while all the others are queued at the broker; a
            // share-group member gets its next chunk (HiveMQ: up to 50) only when nothing is in flight to it, so
            // opening the gate lets dozens of devices' messages come as one batch, each device answered with an
            // acknowledgement of its own
            assertThat(store.entered.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("first message reached the store").isTrue();
            for (String id : ids.subList(1, ids.size())) {
                publish(publisher, id, messages.get(id));
            }
            publisher.disconnect();
            publisher.close();
            store.gate.countDown();
            await().atMost(WAIT).until(() -> store.delegate.messages().size() == DEVICES && gateway.processed() == DEVICES);
            assertThat(gateway.acknowledgementsHeldBack()).as("acknowledgements that waited for the broker's Receive Maximum").isZero();
        }
    }

    private static void publish(MqttClient publisher, String device, byte[] payload) throws Exception {
        MqttMessage message = new MqttMessage(payload);
        message.setQos(1);
        publisher.publish(Topics.up("acme", device), message);
    }
}
