package io.sensorproof.gateway.core.mqtt;

import io.sensorproof.gateway.core.Acknowledger;
import io.sensorproof.gateway.core.BatchTaker;
import io.sensorproof.gateway.core.InboundMessage;
import io.sensorproof.gateway.core.IngestPipeline;
import io.sensorproof.gateway.core.Outcome;
import io.sensorproof.gateway.core.Reply;
import io.sensorproof.gateway.core.StatusHandler;
import io.sensorproof.protocol.ids.Topics;
import io.sensorproof.protocol.net.NoDelaySocketFactory;
import io.sensorproof.protocol.retry.Backoff;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.random.RandomGenerator;
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
 * <p>Connections: each connection to the broker is its own Paho client, numbered by a
 * generation, and every queued message remembers the connection it came on. A packet id means
 * something only on the connection that delivered it: the session starts clean, so after a
 * reconnect the broker numbers its deliveries from scratch, and a PUBACK of an old id on the new
 * connection would acknowledge a different message that may not be stored yet. Messages of a lost
 * connection are still processed (storage is idempotent and the device gets its signed
 * acknowledgement) but never PUBACKed; the broker or the device delivers them again. Because a
 * PUBACK can only ever be queued in the client of the connection that received the message,
 * this holds even when the connection drops between the check and the send. Reconnecting is
 * done here (a fresh client each time, after the jittered delays of {@link #reconnectBackoff()}: the
 * first within 100 ms, then doubling up to 2 s), not by Paho's automatic reconnect, which reuses one
 * client and its queue of outgoing packets.
 *
 * <p>Source connection: MQTT does not tell a subscriber who published. The quota key is the
 * topic's tenant and device, which the broker's access control binds to the authenticated client
 * (a device may publish only under its own topic); where the broker enforces no such rule, the
 * key is only as good as the topic.
 */
public final class MqttIngestAdapter implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(MqttIngestAdapter.class.getName());
    /** How long the worker waits for a first message before it checks whether it should stop. */
    private static final Duration IDLE_POLL = Duration.ofMillis(200);

    /**
     * The delays between reconnect attempts after the broker was lost (ADR 049): 100 ms for the first,
     * doubling up to 2 s, with jitter. The small first delay brings the gateway back within a fraction of a
     * second of a broker that restarts quickly, the cap bounds how long it waits after the broker is back
     * from a longer outage, and the jitter keeps replicas from reconnecting in lockstep.
     */
    static Backoff reconnectBackoff() {
        return new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2), RandomGenerator.getDefault());
    }


    /**
     * A message as it arrived; {@code arrived} is the gateway clock at the callback, before
     * queueing; {@code connection} is the connection that delivered it and the only one that may
     * acknowledge it.
     */
    private record Pending(String topic, MqttMessage message, java.time.Instant arrived, Connection connection) {
    }

    /**
     * One connection to the broker: a Paho client used for this connection only. {@code lost} is
     * set once Paho reports the connection gone; after that nothing is acknowledged through it.
     */
    private static final class Connection {
        final long generation;
        final MqttAsyncClient client;
        volatile boolean lost;

        Connection(long generation, MqttAsyncClient client) {
            this.generation = generation;
            this.client = client;
        }

        boolean canAcknowledge() {
            return !lost && client.isConnected();
        }
    }

    private final MqttIngestSettings settings;
    private final IngestPipeline pipeline;
    private volatile StatusHandler statusHandler;
    private final Clock clock;
    private final Function<String, String> sourceOf;
    private final BlockingQueue<Pending> queue;
    private final Thread worker;
    private final ScheduledExecutorService reconnector;
    private final Backoff backoff = reconnectBackoff();
    private final AtomicLong generations = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong processed = new AtomicLong();
    private final AtomicLong staleUnacknowledged = new AtomicLong();
    private final AtomicLong acknowledgementsHeldBack = new AtomicLong();
    private volatile Connection connection;
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
        this.connection = newConnection();
        this.pipeline = pipeline.apply(this);
        this.worker = new Thread(this::work, "mqtt-ingest-" + settings.clientId());
        this.worker.setDaemon(true);
        this.reconnector = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mqtt-reconnect-" + settings.clientId());
            t.setDaemon(true);
            return t;
        });
    }

    private Connection newConnection() throws MqttException {
        MqttAsyncClient client = new MqttAsyncClient(settings.brokerUrl(), settings.clientId(), new MemoryPersistence());
        client.setManualAcks(true);
        Connection c = new Connection(generations.incrementAndGet(), client);
        client.setCallback(new Callback(c));
        return c;
    }

    /** Connects, subscribes and starts processing; reconnects by itself after a lost connection. */
    public void start() throws MqttException {
        worker.start();
        connect(connection);
    }

    private void connect(Connection c) throws MqttException {
        c.client.connect(connectionOptions()).waitForCompletion(30_000);
        subscribe(c);
    }

    private MqttConnectionOptions connectionOptions() {
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        options.setReceiveMaximum(settings.receiveMaximum());
        options.setKeepAliveInterval(30);
        // Paho leaves Nagle's algorithm on; with delayed ACKs each QoS 1 round trip then waits ~40 ms.
        // Plain TCP also gets a buffered input stream: Paho reads each packet unbuffered (ADR 042)
        options.setSocketFactory(settings.brokerUrl().startsWith("ssl://")
                ? NoDelaySocketFactory.tls((javax.net.ssl.SSLSocketFactory) javax.net.ssl.SSLSocketFactory.getDefault())
                : new BufferedSocketFactory());
        if (settings.username() != null) {
            options.setUserName(settings.username());
        }
        if (settings.password() != null) {
            options.setPassword(new String(settings.password()).getBytes(StandardCharsets.UTF_8));
        }
        return options;
    }

    /** After {@code lost} went away: reconnect attempt {@code attempt} (0 = the first) after its backoff delay. */
    private void scheduleReconnect(Connection lost, int attempt) {
        if (!running || lost != connection) {
            return;
        }
        try {
            reconnector.schedule(() -> reconnect(lost, attempt), backoff.delay(attempt).toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.log(Level.FINE, "closing; no reconnect", e);
        }
    }

    private void reconnect(Connection lost, int attempt) {
        if (!running || lost != connection) {
            return;
        }
        Connection next;
        try {
            next = newConnection();
        } catch (MqttException e) {
            LOG.log(Level.SEVERE, "cannot create an MQTT client", e);
            scheduleReconnect(lost, attempt + 1);
            return;
        }
        try {
            connection = next;
            connect(next);
            LOG.info(() -> settings.clientId() + " reconnected (connection " + next.generation + ")");
            closeQuietly(lost);
        } catch (MqttException | RuntimeException e) {
            next.lost = true;
            connection = lost;
            closeQuietly(next);
            // at most one warning a minute during a long outage (an attempt every 2 s)
            LOG.log(attempt % 30 == 0 ? Level.WARNING : Level.FINE, () -> settings.clientId() + " reconnect attempt " + (attempt + 1)
                    + " failed (" + e + "); retrying every " + backoff.max().toMillis() + " ms at most");
            scheduleReconnect(lost, attempt + 1);
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            if (c.client.isConnected()) {
                c.client.disconnectForcibly(0, 1_000, false);
            }
            c.client.close(true);
        } catch (MqttException e) {
            LOG.log(Level.FINE, "close", e);
        }
    }

    /**
     * Also takes status (heartbeat) messages from {@code $share/<group>/t/+/d/+/status}; call
     * before {@link #start()}.
     */
    public void handleStatus(StatusHandler handler) {
        this.statusHandler = handler;
    }

    private void subscribe(Connection c) throws MqttException {
        subscribeFilters(c);
        LOG.info(() -> settings.clientId() + " subscribed to " + upFilter() + (statusHandler != null ? " and status" : "") + " at "
                + settings.brokerUrl());
        try {
            reconnector.schedule(() -> renewSubscriptions(c), SUBSCRIPTION_RENEWAL.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.log(Level.FINE, "closing; no subscription renewal", e);
        }
    }

    private String upFilter() {
        return "$share/" + settings.shareGroup() + "/t/+/d/+/up";
    }

    private void subscribeFilters(Connection c) throws MqttException {
        c.client.subscribe(new MqttSubscription(upFilter(), 1)).waitForCompletion(30_000);
        if (statusHandler != null) {
            c.client.subscribe(new MqttSubscription("$share/" + settings.shareGroup() + "/t/+/d/+/status", 1)).waitForCompletion(30_000);
        }
    }

    /**
     * How long after subscribing on a connection the adapter subscribes once more to the same filters (ADR 055).
     * HiveMQ CE (2025.5) polls a new connection for its shared subscriptions right after the CONNACK; when that poll
     * reads them before the SUBSCRIBE is stored and answers after it, an empty answer stays in a per-client cache for
     * up to a second, and a PUBACK in that second marks the client as having no shared subscription until its next
     * SUBSCRIBE. From then on the broker sends this member of the share group a message only when the group's queue
     * goes from empty to one: under steady load the replica receives almost nothing until it reconnects, while its
     * devices' messages wait at the broker or in their outboxes (seen in 1 of 20 runs of {@code BrokerProcessIT}'s
     * two-member test on a loaded machine, with either in-flight window). A second SUBSCRIBE of the same filter
     * replaces the subscription (MQTT 5, 3.8.4) and makes HiveMQ clear the mark, drop the cached answer and poll the
     * client; by then the poll of the connection start has long run.
     */
    static final Duration SUBSCRIPTION_RENEWAL = Duration.ofSeconds(2);

    private void renewSubscriptions(Connection c) {
        if (!running || c != connection || !c.canAcknowledge()) {
            return; // a later connection subscribes (and renews) by itself
        }
        try {
            subscribeFilters(c);
            LOG.fine(() -> settings.clientId() + " renewed its subscriptions (connection " + c.generation + ")");
        } catch (MqttException | RuntimeException e) {
            LOG.log(Level.WARNING, settings.clientId() + " could not renew its subscriptions on connection " + c.generation
                    + "; if the broker stops delivering, the next reconnect subscribes again", e);
        }
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
                connection.client.publish(reply.topic(), message);
                return;
            } catch (MqttException e) {
                if (e.getReasonCode() != MqttClientException.REASON_CODE_MAX_INFLIGHT || attempt > 2000) {
                    throw new IllegalStateException("ack to " + reply.topic() + " not published: " + e.getMessage(), e);
                }
                // the broker's Receive Maximum is reached: the worker waits for its PUBACKs (ADR 054)
                if (attempt == 0) {
                    acknowledgementsHeldBack.incrementAndGet();
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

    /**
     * Messages the pipeline finished after the connection that delivered them was lost; they were
     * not PUBACKed (their packet ids mean nothing on a later connection) and come again.
     */
    public long staleUnacknowledged() {
        return staleUnacknowledged.get();
    }

    /**
     * Acknowledgements that waited before they could be published because the broker's Receive Maximum
     * (the QoS 1 publishes it lets this client have unacknowledged) was reached; meanwhile the ingest worker
     * waits too. Growing with the load means the broker's limit, not the gateway, bounds ingestion (ADR 054).
     */
    public long acknowledgementsHeldBack() {
        return acknowledgementsHeldBack.get();
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
        return connection.client.isConnected();
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
        List<StatusHandler.Inbound> statuses = new ArrayList<>();
        for (Pending p : batch) {
            if (statusHandler != null && p.topic().endsWith("/status")) {
                statuses.add(new StatusHandler.Inbound(p.topic(), p.message().getPayload(), p.arrived()));
            } else {
                inbound.add(new InboundMessage(p.topic(), p.message().getPayload(), sourceOf.apply(p.topic()), p.arrived()));
            }
        }
        if (!statuses.isEmpty()) {
            statusHandler.handleAll(statuses);
        }
        if (!inbound.isEmpty()) {
            List<Outcome> outcomes = pipeline.process(inbound);
            if (outcomes.size() != inbound.size()) {
                throw new IllegalStateException("pipeline returned " + outcomes.size() + " outcomes for " + inbound.size() + " messages");
            }
        }
        complete(batch);
    }

    /**
     * PUBACKs the batch: the pipeline decided about every message in it. Each message only on the
     * connection that delivered it, and only while that connection lasts.
     */
    private void complete(List<Pending> batch) {
        int stale = 0;
        for (Pending p : batch) {
            if (!p.connection().canAcknowledge()) {
                stale++;
                continue;
            }
            try {
                p.connection().client.messageArrivedComplete(p.message().getId(), p.message().getQos());
                processed.incrementAndGet();
            } catch (MqttException e) {
                LOG.log(Level.WARNING, "PUBACK failed; the broker will redeliver", e);
            }
        }
        if (stale > 0) {
            staleUnacknowledged.addAndGet(stale);
            int count = stale;
            LOG.info(() -> count + " messages processed after their connection was lost; not acknowledged, they come again");
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
        reconnector.shutdownNow();
        Connection c = connection;
        try {
            if (c.client.isConnected()) {
                c.client.disconnect(5_000).waitForCompletion(6_000);
            }
            c.client.close(true);
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

    /** Callbacks of one connection's client; everything it delivers is tagged with that connection. */
    private final class Callback implements MqttCallback {
        private final Connection owner;

        Callback(Connection owner) {
            this.owner = owner;
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) throws InterruptedException {
            received.incrementAndGet();
            queue.put(new Pending(topic, message, clock.instant(), owner));
        }

        @Override
        public void connectComplete(boolean reconnect, String serverUri) {
            // subscriptions are made by connect(), after each connection of its own client
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
            owner.lost = true;
            LOG.warning(() -> settings.clientId() + " disconnected (connection " + owner.generation + "): " + response);
            scheduleReconnect(owner, 0);
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
