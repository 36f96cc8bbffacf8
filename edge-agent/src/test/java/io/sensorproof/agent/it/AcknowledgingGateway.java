package io.sensorproof.agent.it;

import io.sensorproof.protocol.ack.Acknowledgement;
import io.sensorproof.protocol.ack.AcknowledgementCodec;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.cose.VerificationKey;
import io.sensorproof.protocol.ids.Topics;
import io.sensorproof.protocol.message.ReadingMessage;
import io.sensorproof.protocol.message.ReadingMessages;
import io.sensorproof.protocol.status.AgentStatus;
import io.sensorproof.protocol.status.StatusCodec;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * Plays the gateway until the real one exists: subscribes to uplink and status topics, verifies
 * every message with the device key, records it, and answers with an acknowledgement signed by a
 * test gateway key (or a rejection for chosen sequence numbers). It reconnects automatically.
 */
public final class AcknowledgingGateway implements AutoCloseable {
    /** One verified delivery. */
    public record Delivery(long boot, long seq, byte[] bytes, ReadingMessage message) {
    }

    private final SigningKey gatewayKey;
    private final VerificationKey deviceKey;
    private final MqttAsyncClient client;
    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    private final List<AgentStatus> statuses = new CopyOnWriteArrayList<>();
    private final Map<String, String> rejections = new ConcurrentHashMap<>();
    private final Set<String> invalid = ConcurrentHashMap.newKeySet();
    private volatile boolean acknowledging = true;
    private final java.util.concurrent.BlockingQueue<String[]> replies = new java.util.concurrent.LinkedBlockingQueue<>();
    private final Thread replier;

    public AcknowledgingGateway(String brokerUrl, SigningKey gatewayKey, VerificationKey deviceKey) throws MqttException {
        this.gatewayKey = gatewayKey;
        this.deviceKey = deviceKey;
        this.client = new MqttAsyncClient(brokerUrl, "test-gateway-" + System.nanoTime(), new MemoryPersistence());
        client.setCallback(new Callback());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setAutomaticReconnect(true);
        options.setAutomaticReconnectDelay(100, 1000);
        options.setCleanStart(false);
        options.setSessionExpiryInterval(600L);
        options.setSocketFactory(io.sensorproof.protocol.net.NoDelaySocketFactory.plain());
        client.connect(options).waitForCompletion(10_000);
        subscribe();
        replier = new Thread(this::publishReplies, "test-gateway-replies");
        replier.setDaemon(true);
        replier.start();
    }

    /**
     * Publishes acknowledgements one at a time, waiting for each PUBACK: publishing from the
     * arrival callback would exceed the broker's receive maximum and make Paho drop the session.
     */
    private void publishReplies() {
        while (!Thread.currentThread().isInterrupted()) {
            String[] reply;
            try {
                reply = replies.take();
            } catch (InterruptedException e) {
                return;
            }
            byte[] payload = HexFormat.of().parseHex(reply[1]);
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    MqttMessage m = new MqttMessage(payload);
                    m.setQos(1);
                    client.publish(reply[0], m).waitForCompletion(10_000);
                    break;
                } catch (MqttException e) {
                    try {
                        // retry pacing while the client reconnects, not a synchronisation point of a test
                        Thread.sleep(50);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }
    }

    private void subscribe() throws MqttException {
        client.subscribe(new String[] {"t/+/d/+/up", "t/+/d/+/status"}, new int[] {1, 1}).waitForCompletion(10_000);
    }

    /** Stop or resume acknowledging (messages are still recorded). */
    public void acknowledging(boolean on) {
        acknowledging = on;
    }

    /** Answer (boot, seq) with a rejection carrying {@code code}. */
    public void reject(long boot, long seq, String code) {
        rejections.put(boot + ":" + seq, code);
    }

    public List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    public List<AgentStatus> statuses() {
        return List.copyOf(statuses);
    }

    /** Messages that did not verify (should stay empty). */
    public Set<String> invalid() {
        return Set.copyOf(invalid);
    }

    /** Publishes raw bytes on a topic, e.g. a forged acknowledgement. */
    public void publish(String topic, byte[] payload) throws MqttException {
        MqttMessage m = new MqttMessage(payload);
        m.setQos(1);
        client.publish(topic, m).waitForCompletion(10_000);
    }

    @Override
    public void close() throws MqttException {
        replier.interrupt();
        try {
            client.disconnect().waitForCompletion(5_000);
        } finally {
            client.close(true);
        }
    }

    private final class Callback implements MqttCallback {
        @Override
        public void messageArrived(String topic, MqttMessage message) throws MqttException {
            Topics.Address address = Topics.parse(topic);
            byte[] bytes = message.getPayload();
            if (address.channel() == Topics.Channel.STATUS) {
                try {
                    statuses.add(StatusCodec.open(bytes, kid -> Optional.of(deviceKey)));
                } catch (RuntimeException e) {
                    invalid.add("status: " + e);
                }
                return;
            }
            ReadingMessage opened;
            try {
                opened = ReadingMessages.open(bytes, kid -> Optional.of(deviceKey));
            } catch (RuntimeException e) {
                invalid.add(topic + ": " + e);
                return;
            }
            long boot = opened.header().boot();
            long seq = opened.header().seq();
            deliveries.add(new Delivery(boot, seq, bytes, opened));
            if (!acknowledging) {
                return;
            }
            String code = rejections.get(boot + ":" + seq);
            Acknowledgement ack = code == null
                    ? Acknowledgement.stored(address.device(), System.currentTimeMillis(), boot, seq)
                    : Acknowledgement.rejected(address.device(), System.currentTimeMillis(), boot, seq, code, "rejected by the test gateway");
            replies.add(new String[] {Topics.ack(address.tenant(), address.device()), HexFormat.of().formatHex(AcknowledgementCodec.sign(ack, gatewayKey))});
        }

        @Override
        public void connectComplete(boolean reconnect, String serverUri) {
            if (reconnect) {
                new Thread(() -> {
                    try {
                        subscribe();
                    } catch (MqttException e) {
                        invalid.add("resubscribe failed: " + e);
                    }
                }).start();
            }
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
        }
    }
}
