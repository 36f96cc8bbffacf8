package io.sensorproof.gateway.core.mqtt;

import io.sensorproof.gateway.core.Acknowledger;
import io.sensorproof.gateway.core.BatchTaker;
import io.sensorproof.gateway.core.InboundMessage;
import io.sensorproof.gateway.core.IngestPipeline;
import io.sensorproof.gateway.core.Outcome;
import io.sensorproof.gateway.core.Reply;
import io.sensorproof.protocol.ids.Topics;
import io.sensorproof.protocol.net.NoDelaySocketFactory;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * Feeds the ingest pipeline from MQTT: one Paho v5 client per replica on the shared subscription
 * {@code $share/<group>/t/+/d/+/up}, with manual acknowledgements, so replicas split the load and
 * the broker gets its PUBACK only after the pipeline decided (stored and committed, duplicate, or
 * quarantined). Paho does not call per-subscription listeners for shared subscriptions, so the
 * client-wide callback is used.
 *
 * <p>Back-pressure: the broker may have at most {@code receiveMaximum} unacknowledged messages in
 * flight to this replica; the callback hands messages to a bounded queue and blocks when it is
 * full; one worker takes batches, runs the pipeline (one database transaction per batch) and then
 * PUBACKs them. When the database falls behind, PUBACKs slow down and the broker stops sending:
 * intake slows instead of memory growing.
 *
 * <p>Source connection: MQTT does not tell a subscriber who published. The quota key is the
 * topic's tenant and device, which the broker's access control binds to the authenticated client
 * (a device may publish only under its own topic); where the broker enforces no such rule, the
 * key is only as good as the topic.
 */
public final class MqttIngestAdapter implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(MqttIngestAdapter.class.getName());
    /** How long the worker waits for a first message before it checks whether it should stop. */
    private static final java.time.Duration IDLE_POLL = java.time.Duration.ofMillis(200);

    /** A message as it arrived; {@code arrived} is the gateway clock at the callback, before queueing. */
    private record Pending(String topic, MqttMessage message, java.time.Instant arrived) {
    }

    private final MqttIngestSettings settings;
    private final IngestPipeline pipeline;
    private volatile io.sensorproof.gateway.core.StatusHandler statusHandler;
    private final Clock clock;
    private final Function<String, String> sourceOf;
    private final BlockingQueue<Pending> queue;
    private final MqttAsyncClient client;
    private final Thread worker;
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong processed = new AtomicLong();
    private volatile boolean running = true;

    /**
     * @param pipeline the pipeline; its acknowledger should be {@link #acknowledger()} of this adapter
     */
    public MqttIngestAdapter(MqttIngestSettings settings, Function<MqttIngestAdapter, IngestPipeline> pipeline, Clock clock)
            throws MqttException {
        this.settings = settings;
        this.clock = clock;
        this.sourceOf = MqttIngestAdapter::sourceOfTopic;
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        this.client = new MqttAsyncClient(settings.brokerUrl(), settings.clientId(), new MemoryPersistence());
        this.client.setManualAcks(true);
        this.client.setCallback(new Callback());
        this.pipeline = pipeline.apply(this);
        this.worker = new Thread(this::work, "mqtt-ingest-" + settings.clientId());
        this.worker.setDaemon(true);
    }

    /** Connects, subscribes and starts processing. */
    public void start() throws MqttException {
        worker.start();
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        options.setAutomaticReconnect(true);
        options.setAutomaticReconnectDelay(1, 30);
        options.setReceiveMaximum(settings.receiveMaximum());
        options.setKeepAliveInterval(30);
        // Paho leaves Nagle's algorithm on; with delayed ACKs each QoS 1 round trip then waits ~40 ms
        options.setSocketFactory(settings.brokerUrl().startsWith("ssl://")
                ? NoDelaySocketFactory.tls((javax.net.ssl.SSLSocketFactory) javax.net.ssl.SSLSocketFactory.getDefault())
                : NoDelaySocketFactory.plain());
        if (settings.username() != null) {
            options.setUserName(settings.username());
        }
        if (settings.password() != null) {
            options.setPassword(new String(settings.password()).getBytes(StandardCharsets.UTF_8));
        }
        client.connect(options).waitForCompletion(30_000);
        subscribe();
    }

    /**
     * Also takes status (heartbeat) messages from {@code $share/<group>/t/+/d/+/status}; call
     * before {@link #start()}.
     */
    public void handleStatus(io.sensorproof.gateway.core.StatusHandler handler) {
        this.statusHandler = handler;
    }

    private void subscribe() throws MqttException {
        String filter = "$share/" + settings.shareGroup() + "/t/+/d/+/up";
        client.subscribe(new MqttSubscription(filter, 1)).waitForCompletion(30_000);
        if (statusHandler != null) {
            client.subscribe(new MqttSubscription("$share/" + settings.shareGroup() + "/t/+/d/+/status", 1)).waitForCompletion(30_000);
        }
        LOG.info(() -> settings.clientId() + " subscribed to " + filter + (statusHandler != null ? " and status" : "") + " at "
                + settings.brokerUrl());
    }

    /** Publishes replies on the devices' ack topics (QoS 1). */
    public Acknowledger acknowledger() {
        return this::publishReply;
    }

    private void publishReply(Reply reply) {
        MqttMessage message = new MqttMessage(reply.payload());
        message.setQos(1);
        for (int attempt = 0; ; attempt++) {
            try {
                client.publish(reply.topic(), message);
                return;
            } catch (MqttException e) {
                if (e.getReasonCode() != MqttClientException.REASON_CODE_MAX_INFLIGHT || attempt > 2000) {
                    throw new IllegalStateException("ack to " + reply.topic() + " not published: " + e.getMessage(), e);
                }
                sleep(1);
            }
        }
    }

    /** Messages received from the broker so far. */
    public long received() {
        return received.get();
    }

    /** Messages the pipeline finished and the broker got a PUBACK for. */
    public long processed() {
        return processed.get();
    }

    /** Messages received and waiting for the pipeline (bounded by the queue capacity). */
    public int queueDepth() {
        return queue.size();
    }

    /** Capacity of the queue between the MQTT callback and the pipeline. */
    public int queueCapacity() {
        return settings.queueCapacity();
    }

    /** True while connected to the broker. */
    public boolean isConnected() {
        return client.isConnected();
    }

    private void work() {
        List<Pending> batch = new ArrayList<>(settings.batchMax());
        while (running || !queue.isEmpty()) {
            try {
                if (!BatchTaker.take(queue, batch, IDLE_POLL, settings.batchMax(), settings.batchLinger())) {
                    continue;
                }
                process(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "ingest batch failed; its messages are acknowledged to the broker and the devices will resend", e);
                complete(batch);
            } finally {
                batch.clear();
            }
        }
    }

    private void process(List<Pending> batch) {
        List<InboundMessage> inbound = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            if (statusHandler != null && p.topic().endsWith("/status")) {
                statusHandler.handle(p.topic(), p.message().getPayload(), p.arrived());
            } else {
                inbound.add(new InboundMessage(p.topic(), p.message().getPayload(), sourceOf.apply(p.topic()), p.arrived()));
            }
        }
        if (!inbound.isEmpty()) {
            List<Outcome> outcomes = pipeline.process(inbound);
            if (outcomes.size() != inbound.size()) {
                throw new IllegalStateException("pipeline returned " + outcomes.size() + " outcomes for " + inbound.size() + " messages");
            }
        }
        complete(batch);
    }

    /** PUBACKs the batch: the pipeline decided about every message in it. */
    private void complete(List<Pending> batch) {
        for (Pending p : batch) {
            try {
                client.messageArrivedComplete(p.message().getId(), p.message().getQos());
                processed.incrementAndGet();
            } catch (MqttException e) {
                LOG.log(Level.WARNING, "PUBACK failed; the broker will redeliver", e);
            }
        }
    }

    /** The quota key for a message on {@code topic}: what the broker's ACL binds to a client. */
    static String sourceOfTopic(String topic) {
        try {
            Topics.Address a = Topics.parse(topic);
            return "mqtt:" + a.tenant() + "/" + a.device();
        } catch (RuntimeException e) {
            return "mqtt:invalid-topic";
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            worker.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (client.isConnected()) {
                client.disconnect(5_000).waitForCompletion(6_000);
            }
            client.close(true);
        } catch (MqttException e) {
            LOG.log(Level.FINE, "close", e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class Callback implements MqttCallback {
        @Override
        public void messageArrived(String topic, MqttMessage message) throws InterruptedException {
            received.incrementAndGet();
            queue.put(new Pending(topic, message, clock.instant()));
        }

        @Override
        public void connectComplete(boolean reconnect, String serverUri) {
            if (reconnect) {
                new Thread(() -> {
                    try {
                        subscribe();
                    } catch (MqttException e) {
                        LOG.log(Level.SEVERE, "resubscribe failed", e);
                    }
                }, "mqtt-resubscribe").start();
            }
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
            LOG.warning(() -> settings.clientId() + " disconnected: " + response);
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            LOG.log(Level.WARNING, "MQTT error", exception);
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
            // acknowledgements are fire-and-forget at QoS 1; Paho retries them within the session
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
            // no enhanced authentication
        }
    }
}
