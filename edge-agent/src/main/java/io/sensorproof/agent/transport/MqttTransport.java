package io.sensorproof.agent.transport;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientExecutorConfig;
import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttClientSslConfigBuilder;
import com.hivemq.client.mqtt.MqttClientTransportConfig;
import com.hivemq.client.mqtt.MqttClientTransportConfigBuilder;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5SimpleAuth;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5ConnectBuilder;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAck;
import io.sensorproof.agent.config.AgentConfig;
import io.sensorproof.agent.keys.KeyFiles;
import io.sensorproof.agent.runtime.AgentRuntime;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.ids.Topics;
import io.sensorproof.protocol.retry.Backoff;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * MQTT v5 transport with the HiveMQ MQTT client (ADR 059; Eclipse Paho before): QoS 1 on
 * {@code t/{tenant}/d/{device}/up} and {@code .../status}, subscription to {@code .../ack}, persistent session
 * (clean start off, session expiry from configuration), TLS for {@code ssl://} URLs with the enrollment
 * certificate as client certificate when there is one (ADR 019), client id {@code <tenant>/<device>}.
 * Reconnects itself with {@link Backoff}; the client's own automatic reconnect is off so the delays are ours
 * and observable.
 *
 * <p>The client keeps unacknowledged QoS 1 publishes in memory only: durability is the outbox's job, and
 * the agent resends from it after every reconnect. Every connection attempt therefore uses a fresh
 * client, so that no library-held publish is resent beside the outbox's (ADR 041).
 *
 * <p>Threads: the client's network I/O runs on a Netty event loop shared by every client with the same
 * executor settings (one thread on a device; with a shared {@link AgentRuntime}, a few threads for every
 * agent of the JVM), so a connection, and a failed connection attempt, costs no thread of its own. Paho
 * 1.2.5, which this replaced, took three threads per connection and left the thread of an attempt that the
 * server dropped while it started sleeping for ever (ADR 059).
 */
public final class MqttTransport implements Transport {
    private static final Logger LOG = Logger.getLogger(MqttTransport.class.getName());
    private static final long TOKEN_WAIT_MILLIS = 10_000;
    /** Publishes in flight before {@link #sendMessage} waits for the oldest (within every broker's receive maximum). */
    private static final int WINDOW = 8;
    private static final long CONNECT_TIMEOUT_SECONDS = 10;
    private static final long SUBACK_TIMEOUT_SECONDS = 60;

    private final AgentConfig config;
    private final URI url;
    private final String upTopic;
    private final String statusTopic;
    private final String ackTopic;
    private final Reconnector reconnector;
    private final MqttClientExecutorConfig executors;
    private final AtomicBoolean connected = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Deque<CompletableFuture<Mqtt5PublishResult>> outstanding = new ArrayDeque<>();
    private volatile Attempt current;
    private volatile Listener listener;

    /**
     * @param backoffObserver told every chosen reconnect delay (for metrics)
     */
    public MqttTransport(AgentConfig config, Backoff backoff, LongConsumer backoffObserver) {
        this(config, backoff, backoffObserver, null);
    }

    /**
     * As above; with a {@code runtime}, the connection attempts use the runtime's shared threads and the
     * client's network I/O an event loop shared by every agent of the JVM (ADR 048, ADR 059) instead of
     * threads of their own. The protocol behaviour is the same either way.
     *
     * @param runtime shared threads, or null: threads of this transport's own (a device)
     */
    public MqttTransport(AgentConfig config, Backoff backoff, LongConsumer backoffObserver, AgentRuntime runtime) {
        this.config = config;
        this.url = brokerUri(config.mqttUrl());
        this.reconnector = runtime == null ? new Reconnector("mqtt-reconnect", backoff, backoffObserver, this::connect)
                : new Reconnector(runtime, backoff, backoffObserver, this::connect);
        // the event loop is shared by every client of the same settings (ref-counted by the client library):
        // one thread on a device, the runtime's share for a simulated fleet
        this.executors = runtime == null ? MqttClientExecutorConfig.builder().nettyThreads(1).build() : runtime.mqttExecutors();
        this.upTopic = Topics.up(config.tenant(), config.device());
        this.statusTopic = Topics.status(config.tenant(), config.device());
        this.ackTopic = Topics.ack(config.tenant(), config.device());
    }

    /** {@code tcp://host:port} or {@code ssl://host:port}, checked once. */
    static URI brokerUri(String mqttUrl) {
        URI uri;
        try {
            uri = URI.create(mqttUrl);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot use MQTT URL " + mqttUrl + ": " + e.getMessage(), e);
        }
        if (!"tcp".equals(uri.getScheme()) && !"ssl".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("cannot use MQTT URL " + mqttUrl + ": expected tcp://host[:port] or ssl://host[:port]");
        }
        return uri;
    }

    @Override
    public void start(Listener listener) {
        this.listener = listener;
        reconnector.start();
    }

    /** One connection attempt: its own client, ended (and retried) at most once. */
    private final class Attempt {
        final Mqtt5AsyncClient client;
        final AtomicBoolean ended = new AtomicBoolean();

        Attempt(Mqtt5ClientBuilder builder) {
            this.client = builder.addDisconnectedListener(this::disconnected).buildAsync();
            // every PUBLISH from the broker, also those of the persistent session that arrive before SUBACK
            client.publishes(MqttGlobalPublishFilter.ALL, this::arrived);
        }

        private void arrived(Mqtt5Publish publish) {
            if (ackTopic.equals(publish.getTopic().toString())) {
                listener.acknowledgement(publish.getPayloadAsBytes());
            }
        }

        /** The connection failed, was lost or was closed (the client library calls this once per connection or attempt). */
        private void disconnected(MqttClientDisconnectedContext context) {
            end(context.getSource() + ": " + context.getCause());
        }

        /** Reports the end of this attempt's connection and schedules the next attempt, once. */
        void end(String reason) {
            if (current != this || !ended.compareAndSet(false, true)) {
                return; // a replaced attempt, or already ended
            }
            if (connected.getAndSet(false)) {
                listener.disconnected(reason);
            } else {
                LOG.log(Level.FINE, () -> "connect to " + config.mqttUrl() + " failed: " + reason);
                listener.disconnected("connect failed: " + reason);
            }
            reconnector.retry();
        }
    }

    private Mqtt5ClientBuilder builder() throws IOException, GeneralSecurityException {
        MqttClientTransportConfigBuilder transport = MqttClientTransportConfig.builder()
                .serverHost(url.getHost())
                .serverPort(url.getPort() > 0 ? url.getPort() : "ssl".equals(url.getScheme()) ? 8883 : 1883)
                .socketConnectTimeout(CONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .mqttConnectTimeout(CONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if ("ssl".equals(url.getScheme())) {
            // built at every connect, so a certificate renewed while running is presented at the next one
            Optional<Path> chain = config.mqttClientCertificate();
            if (chain.isPresent() && config.mqttCertificateFile().isEmpty()
                    && !TlsKeys.canAuthenticateTls(KeyFiles.load(config.keyFile()).algorithm())) {
                // an SM2 or ML-DSA device's enrollment certificate cannot authenticate TLS (JSSE has
                // neither): present none (an external broker may take its user name and password instead)
                chain = Optional.empty();
            }
            MqttClientSslConfigBuilder tls = MqttClientSslConfig.builder().handshakeTimeout(CONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (chain.isPresent()) {
                tls = tls.keyManagerFactory(keyManagerFactory(chain.get(), config.keyFile()));
            }
            if (!config.mqttCaFile().isEmpty()) {
                tls = tls.trustManagerFactory(trustManagerFactory(Path.of(config.mqttCaFile())));
            }
            transport = transport.sslConfig(tls.build());
        }
        // one transport configuration with everything: the client builder's own serverHost/sslConfig would be replaced by it
        return MqttClient.builder().useMqttVersion5()
                .identifier(clientId(config.tenant(), config.device()))
                .transportConfig(transport.build())
                .executorConfig(executors);
    }

    private CompletableFuture<Mqtt5ConnAck> connectMessage(Mqtt5AsyncClient client) {
        Mqtt5ConnectBuilder.Send<CompletableFuture<Mqtt5ConnAck>> connect = client.connectWith().cleanStart(false)
                .sessionExpiryInterval(config.sessionExpirySeconds()).keepAlive(config.keepAliveSeconds());
        boolean user = !config.mqttUsername().isEmpty();
        boolean password = config.mqttPassword() != null;
        if (user || password) {
            byte[] secret = password ? new String(config.mqttPassword()).getBytes(StandardCharsets.UTF_8) : null;
            Mqtt5SimpleAuth auth = user && password ? Mqtt5SimpleAuth.builder().username(config.mqttUsername()).password(secret).build()
                    : user ? Mqtt5SimpleAuth.builder().username(config.mqttUsername()).build()
                    : Mqtt5SimpleAuth.builder().password(secret).build();
            connect = connect.simpleAuth(auth);
        }
        return connect.send();
    }

    /**
     * The MQTT client id of a device: {@code <tenant>/<device>}. The separator is outside the id
     * grammar, so two devices never share a client id (with {@code .}, tenant {@code a.b} device
     * {@code c} and tenant {@code a} device {@code b.c} did), and the standalone broker lets a device
     * use only its own (ADR 019).
     */
    public static String clientId(String tenant, String device) {
        return tenant + "/" + device;
    }

    /**
     * A TLS context presenting {@code clientChain} (PEM, leaf first) with the key in {@code keyFile}
     * when given, and trusting the certificates in {@code caFile} (else the JDK's trust store).
     */
    public static SSLContext tlsContext(Optional<Path> clientChain, Path keyFile, Optional<Path> caFile)
            throws IOException, GeneralSecurityException {
        KeyManager[] keyManagers = clientChain.isPresent() ? keyManagerFactory(clientChain.get(), keyFile).getKeyManagers() : null;
        TrustManager[] trustManagers = caFile.isPresent() ? trustManagerFactory(caFile.get()).getTrustManagers() : null;
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers, trustManagers, null);
        return context;
    }

    /** A TLS context trusting exactly the CA certificates in the PEM file {@code caFile}. */
    public static SSLContext sslContext(Path caFile) throws IOException, GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trustManagerFactory(caFile).getTrustManagers(), null);
        return context;
    }

    /**
     * Key managers presenting the certificate chain in {@code chainFile} (PEM, leaf first) with the
     * device key in {@code keyFile} (PKCS#8; ES256 or EdDSA: JSSE has no SM2 and no ML-DSA).
     */
    static KeyManagerFactory keyManagerFactory(Path chainFile, Path keyFile) throws IOException, GeneralSecurityException {
        SigningKey device = KeyFiles.load(keyFile);
        if (!TlsKeys.canAuthenticateTls(device.algorithm())) {
            throw new IOException("the device key " + keyFile + " is an " + device.algorithm().label()
                    + " key, which TLS cannot use as a client certificate key;"
                    + " use transport=coap with a transport key, or a broker that accepts a user name and password");
        }
        String alg = device.algorithm() == SignatureAlgorithm.EDDSA ? "Ed25519" : "EC";
        PrivateKey key = KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(keyFile)));
        List<Certificate> chain = new ArrayList<>(CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(chainFile))));
        if (chain.isEmpty()) {
            throw new IOException("no certificates in " + chainFile);
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("device", key, new char[0], chain.toArray(new Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, new char[0]);
        return kmf;
    }

    private static TrustManagerFactory trustManagerFactory(Path caFile) throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        int i = 0;
        for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(Files.readAllBytes(caFile)))) {
            trust.setCertificateEntry("ca-" + i++, c);
        }
        if (i == 0) {
            throw new IOException("no certificates in " + caFile);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        return tmf;
    }

    /** One attempt (on the reconnector's serial executor): a fresh client, CONNECT, then SUBSCRIBE before reporting connected. */
    private void connect() {
        Attempt previous = current;
        if (previous != null) {
            previous.ended.set(true);
            previous.client.disconnect(); // a no-op for one already disconnected
        }
        Attempt attempt;
        try {
            attempt = new Attempt(builder());
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            LOG.log(Level.WARNING, "connect to " + config.mqttUrl() + " failed: " + e);
            listener.disconnected("connect failed: " + e.getMessage());
            reconnector.retry();
            return;
        }
        current = attempt;
        connectMessage(attempt.client).whenComplete((connAck, failure) -> {
            if (failure != null) {
                attempt.end(String.valueOf(failure)); // the disconnected listener usually came first
                return;
            }
            try {
                reconnector.serial().execute(() -> onConnected(attempt));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                attempt.client.disconnect(); // connected after close
            }
        });
    }

    /**
     * CONNACK came: SUBSCRIBE to the acknowledgements without holding a thread while the broker answers. The SUBACK may be
     * slow (a broker busy with a fleet's connections); the attempt is given up only when the connection ends or after
     * {@value #SUBACK_TIMEOUT_SECONDS} s without an answer.
     */
    private void onConnected(Attempt attempt) {
        if (closed.get() || current != attempt) {
            attempt.client.disconnect();
            return;
        }
        attempt.client.subscribeWith().topicFilter(ackTopic).qos(MqttQos.AT_LEAST_ONCE).send()
                .orTimeout(SUBACK_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .whenComplete((subAck, failure) -> {
                    try {
                        reconnector.serial().execute(() -> onSubscribed(attempt, subAck, failure));
                    } catch (java.util.concurrent.RejectedExecutionException e) {
                        attempt.client.disconnect(); // subscribed after close
                    }
                });
    }

    private void onSubscribed(Attempt attempt, Mqtt5SubAck subAck, Throwable failure) {
        if (closed.get() || current != attempt) {
            attempt.client.disconnect();
            return;
        }
        if (failure != null || subAck.getReasonCodes().stream().anyMatch(code -> code.isError())) {
            LOG.log(Level.WARNING, "subscribing to " + ackTopic + " failed: " + (failure != null ? failure : "SUBACK " + subAck.getReasonCodes()));
            attempt.client.disconnect(); // its disconnected listener schedules the next attempt
            return;
        }
        reconnector.succeeded();
        synchronized (outstanding) {
            outstanding.clear();
        }
        connected.set(true);
        if (!attempt.client.getState().isConnected()) {
            attempt.end("connection lost while subscribing"); // its listener found connected still false
            return;
        }
        listener.connected();
    }

    @Override
    public boolean isConnected() {
        Attempt attempt = current;
        return connected.get() && attempt != null && attempt.client.getState().isConnected();
    }

    @Override
    public void sendMessage(byte[] message) throws IOException {
        publish(upTopic, message);
    }

    @Override
    public void sendStatus(byte[] status) throws IOException {
        publish(statusTopic, status);
    }

    private void publish(String topic, byte[] payload) throws IOException {
        Attempt attempt = current;
        if (!connected.get() || attempt == null || !attempt.client.getState().isConnected()) {
            throw new IOException("not connected");
        }
        synchronized (outstanding) {
            // a window of publishes in flight: wait for the oldest when it is full
            while (!outstanding.isEmpty() && (outstanding.peekFirst().isDone() || outstanding.size() >= WINDOW)) {
                await(outstanding.pollFirst(), topic);
            }
            outstanding.addLast(attempt.client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(payload).send());
        }
    }

    private static void await(CompletableFuture<Mqtt5PublishResult> publish, String topic) throws IOException {
        try {
            publish.get(TOKEN_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IOException("publish to " + topic + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("publish to " + topic + " not acknowledged within " + TOKEN_WAIT_MILLIS + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while publishing to " + topic, e);
        }
    }

    @Override
    public void close() {
        if (!reconnector.close()) {
            return;
        }
        closed.set(true);
        connected.set(false);
        Attempt attempt = current;
        if (attempt != null) {
            attempt.ended.set(true);
            try {
                // a graceful DISCONNECT when connected; a failed future otherwise
                attempt.client.disconnect().get(3000, TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                LOG.log(Level.FINE, "disconnect: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
