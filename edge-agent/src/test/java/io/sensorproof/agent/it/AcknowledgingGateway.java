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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
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
 * test gateway key (or a rejection for chosen sequence numbers).
 *
 * <p>It keeps its session at the broker (clean start off), so uplinks published while it is
 * disconnected wait for it there, and it reconnects by itself, with a fresh Paho client for every
 * connection, as the agent's transport does: a reused Paho 1.2.5 client resends its in-flight
 * publishes on the new connection with the old connection's topic alias and no topic name (Paho
 * issue #1104), a broker with topic aliases enabled disconnects it for that ("unmapped topic
 * alias"), and it never acknowledges anything again (ADR 041).
 */
public final class AcknowledgingGateway implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(AcknowledgingGateway.class.getName());
    /** How often a waiting acknowledgement checks that its connection still stands. */
    private static final long PUBACK_POLL_MILLIS = 100;

    /** One verified delivery. */
    public record Delivery(long boot, long seq, byte[] bytes, ReadingMessage message) {
    }

    private final String brokerUrl;
    private final String clientId = "test-gateway-" + System.nanoTime();
    private final SigningKey gatewayKey;
    private final VerificationKey deviceKey;
    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    private final List<AgentStatus> statuses = new CopyOnWriteArrayList<>();
    private final Map<String, String> rejections = new ConcurrentHashMap<>();
    private final Set<String> invalid = ConcurrentHashMap.newKeySet();
    private volatile boolean acknowledging = true;
    private volatile boolean closed;
    private volatile MqttAsyncClient client;
    private final BlockingQueue<String[]> replies = new LinkedBlockingQueue<>();
    private final ScheduledExecutorService reconnector;
    private final Thread replier;

    public AcknowledgingGateway(String brokerUrl, SigningKey gatewayKey, VerificationKey deviceKey) throws MqttException {
        this.brokerUrl = brokerUrl;
        this.gatewayKey = gatewayKey;
        this.deviceKey = deviceKey;
        this.reconnector = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "test-gateway-reconnect");
            t.setDaemon(true);
            return t;
        });
        this.client = connect();
        replier = new Thread(this::publishReplies, "test-gateway-replies");
        replier.setDaemon(true);
        replier.start();
    }

    /** A new Paho client, connected with the kept session and subscribed; its callback knows it. */
    private MqttAsyncClient connect() throws MqttException {
        MqttAsyncClient fresh = new MqttAsyncClient(brokerUrl, clientId, new MemoryPersistence());
        fresh.setCallback(new Callback(fresh));
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setAutomaticReconnect(false);
        options.setCleanStart(false);
        options.setSessionExpiryInterval(600L);
        options.setConnectionTimeout(10);
        options.setSocketFactory(io.sensorproof.protocol.net.NoDelaySocketFactory.plain());
        try {
            fresh.connect(options).waitForCompletion(10_000);
            fresh.subscribe(new String[] {"t/+/d/+/up", "t/+/d/+/status"}, new int[] {1, 1}).waitForCompletion(10_000);
        } catch (MqttException | RuntimeException e) {
            closeQuietly(fresh);
            throw e;
        }
        return fresh;
    }

    /** After {@code lost} went away: connect again with a fresh client, retrying every 200 ms. */
    private void reconnect(MqttAsyncClient lost) {
        if (closed || lost != client) {
            return;
        }
        try {
            MqttAsyncClient fresh = connect();
            client = fresh;
            closeQuietly(lost);
            if (closed) {
                closeQuietly(fresh);
            } else if (!fresh.isConnected()) {
                // lost before it became the current client: its callback did not schedule a reconnect
                scheduleReconnect(fresh);
            }
        } catch (MqttException | RuntimeException e) {
            LOG.log(Level.FINE, "test gateway reconnect failed: " + e);
            scheduleReconnect(lost);
        }
    }

    private void scheduleReconnect(MqttAsyncClient lost) {
        try {
            reconnector.schedule(() -> reconnect(lost), 200, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private static void closeQuietly(MqttAsyncClient c) {
        try {
            if (c.isConnected()) {
                c.disconnectForcibly(0, 1000, false);
            }
            c.close(true);
        } catch (MqttException | RuntimeException e) {
            LOG.log(Level.FINE, "closing a test gateway client: " + e);
        }
    }

    /**
     * Publishes acknowledgements one at a time, waiting for each PUBACK: publishing from the
     * arrival callback would exceed the broker's receive maximum and make Paho drop the session.
     * An acknowledgement whose connection is lost before its PUBACK is published again on the
     * next connection (the agent counts a repeated acknowledgement as redundant).
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
            try {
                while (!publishAndAwaitPuback(reply[0], payload)) {
                    // retry pacing while the gateway reconnects, not a synchronisation point of a test
                    Thread.sleep(50);
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** True once the broker acknowledged the publish; false when it must be tried again. */
    private boolean publishAndAwaitPuback(String topic, byte[] payload) throws InterruptedException {
        MqttAsyncClient on = client;
        CompletableFuture<Void> puback = new CompletableFuture<>();
        MqttMessage m = new MqttMessage(payload);
        m.setQos(1);
        try {
            on.publish(topic, m, null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    puback.complete(null);
                }

                @Override
                public void onFailure(IMqttToken token, Throwable failure) {
                    puback.completeExceptionally(failure);
                }
            });
        } catch (MqttException | RuntimeException e) {
            return false;
        }
        while (on == client && !closed) {
            try {
                puback.get(PUBACK_POLL_MILLIS, TimeUnit.MILLISECONDS);
                return true;
            } catch (TimeoutException e) {
                // still in flight: keep waiting while its connection stands
            } catch (ExecutionException e) {
                return false;
            }
        }
        return false;
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
        closed = true;
        replier.interrupt();
        reconnector.shutdownNow();
        MqttAsyncClient c = client;
        try {
            if (c.isConnected()) {
                // end the kept session: an abandoned one would go on collecting every later test's uplinks
                MqttProperties endSession = new MqttProperties();
                endSession.setSessionExpiryInterval(0L);
                c.disconnect(30_000, null, null, 0, endSession).waitForCompletion(5_000);
            }
        } finally {
            c.close(true);
        }
    }

    private final class Callback implements MqttCallback {
        private final MqttAsyncClient owner;

        Callback(MqttAsyncClient owner) {
            this.owner = owner;
        }

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
            // subscribed by connect(), for each client
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
            LOG.log(Level.FINE, "test gateway disconnected: " + response);
            if (!closed && owner == client) {
                scheduleReconnect(owner);
            }
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
