package io.sensorproof.agent.transport;

import io.sensorproof.agent.config.AgentConfig;
import io.sensorproof.agent.keys.KeyFiles;
import io.sensorproof.agent.runtime.AgentRuntime;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.net.NoDelaySocketFactory;
import io.sensorproof.protocol.ids.Topics;
import io.sensorproof.protocol.retry.Backoff;
import java.io.ByteArrayInputStream;
import java.io.IOException;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * MQTT v5 transport with Eclipse Paho: QoS 1 on {@code t/{tenant}/d/{device}/up} and
 * {@code .../status}, subscription to {@code .../ack}, persistent session (clean start off, session
 * expiry from configuration), TLS for {@code ssl://} URLs with the enrollment certificate as client
 * certificate when there is one (ADR 019), client id {@code <tenant>/<device>}. Reconnects itself with
 * {@link Backoff}; Paho's own automatic reconnect is off so the delays are ours and observable.
 *
 * <p>Paho keeps unacknowledged QoS 1 publishes in memory only: durability is the outbox's job, and
 * the agent resends from it after every reconnect. Every connection attempt therefore uses a fresh
 * Paho client: a reused one resends its in-flight publishes on the new connection with the topic
 * aliases of the old one (Paho issue #1104), the broker disconnects it (reason 148, "topic alias
 * could not be mapped") and it never gets a connection again.
 */
public final class MqttTransport implements Transport {
    private static final Logger LOG = Logger.getLogger(MqttTransport.class.getName());
    private static final long TOKEN_WAIT_MILLIS = 10_000;

    private final AgentConfig config;
    private final String upTopic;
    private final String statusTopic;
    private final String ackTopic;
    private final Reconnector reconnector;
    /** Shared threads, or null: the transport's and Paho's own. */
    private final AgentRuntime runtime;
    private final AtomicBoolean connected = new AtomicBoolean();
    private final Deque<IMqttToken> outstanding = new ArrayDeque<>();
    private volatile MqttAsyncClient client;
    private volatile Listener listener;

    /**
     * @param backoffObserver told every chosen reconnect delay (for metrics)
     */
    public MqttTransport(AgentConfig config, Backoff backoff, LongConsumer backoffObserver) {
        this(config, backoff, backoffObserver, null);
    }

    /**
     * As above; with a {@code runtime}, the connection attempts and every Paho client's threads and
     * keep-alive timer use the runtime's shared threads (ADR 048: fleets of agents in one JVM) instead
     * of threads of their own. The protocol behaviour is the same either way.
     *
     * @param runtime shared threads, or null: threads of this transport's own (a device)
     */
    public MqttTransport(AgentConfig config, Backoff backoff, LongConsumer backoffObserver, AgentRuntime runtime) {
        this.config = config;
        this.runtime = runtime;
        this.reconnector = runtime == null ? new Reconnector("mqtt-reconnect", backoff, backoffObserver, this::connect)
                : new Reconnector(runtime, backoff, backoffObserver, this::connect);
        this.upTopic = Topics.up(config.tenant(), config.device());
        this.statusTopic = Topics.status(config.tenant(), config.device());
        this.ackTopic = Topics.ack(config.tenant(), config.device());
    }

    @Override
    public void start(Listener listener) {
        this.listener = listener;
        client = newClient();
        reconnector.start();
    }

    /** A Paho client with empty in-memory persistence, reporting to a callback bound to it. */
    private MqttAsyncClient newClient() {
        MqttAsyncClient fresh;
        try {
            fresh = runtime == null
                    ? new MqttAsyncClient(config.mqttUrl(), clientId(config.tenant(), config.device()), new MemoryPersistence())
                    // Paho then runs its comms loops with execute/submit and its keep-alive with schedule on these
                    : new MqttAsyncClient(config.mqttUrl(), clientId(config.tenant(), config.device()), new MemoryPersistence(), null,
                            runtime.pahoExecutor());
        } catch (MqttException e) {
            throw new IllegalArgumentException("cannot create MQTT client for " + config.mqttUrl() + ": " + e.getMessage(), e);
        }
        fresh.setCallback(new Callback(fresh));
        return fresh;
    }

    /** Closes the previous attempt's client (no longer connected) and makes the next one. */
    private MqttAsyncClient replaceClient() {
        MqttAsyncClient old = client;
        if (old != null) {
            try {
                if (old.isConnected()) {
                    old.disconnectForcibly(0, 1000, false);
                }
                old.close(true);
            } catch (MqttException | RuntimeException e) {
                LOG.log(Level.FINE, "closing the previous MQTT client: " + e);
            }
        }
        MqttAsyncClient fresh = newClient();
        client = fresh;
        return fresh;
    }

    private MqttConnectionOptions options() throws IOException, GeneralSecurityException {
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(false);
        options.setSessionExpiryInterval(config.sessionExpirySeconds());
        options.setKeepAliveInterval(config.keepAliveSeconds());
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout(10);
        if (!config.mqttUsername().isEmpty()) {
            options.setUserName(config.mqttUsername());
        }
        if (config.mqttPassword() != null) {
            options.setPassword(new String(config.mqttPassword()).getBytes(StandardCharsets.UTF_8));
        }
        if (config.mqttUrl().startsWith("ssl://")) {
            // built at every connect, so a certificate renewed while running is presented at the next one
            Optional<Path> chain = config.mqttClientCertificate();
            if (chain.isPresent() && config.mqttCertificateFile().isEmpty()
                    && !TlsKeys.canAuthenticateTls(KeyFiles.load(config.keyFile()).algorithm())) {
                // an SM2 or ML-DSA device's enrollment certificate cannot authenticate TLS (JSSE has
                // neither): present none (an external broker may take its user name and password instead)
                chain = Optional.empty();
            }
            SSLContext context = tlsContext(chain, config.keyFile(),
                    config.mqttCaFile().isEmpty() ? Optional.empty() : Optional.of(Path.of(config.mqttCaFile())));
            options.setSocketFactory(NoDelaySocketFactory.tls(context.getSocketFactory()));
        } else {
            options.setSocketFactory(NoDelaySocketFactory.plain());
        }
        return options;
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
        KeyManager[] keyManagers = clientChain.isPresent() ? keyManagers(clientChain.get(), keyFile) : null;
        TrustManager[] trustManagers = caFile.isPresent() ? trustManagers(caFile.get()) : null;
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers, trustManagers, null);
        return context;
    }

    /** A TLS context trusting exactly the CA certificates in the PEM file {@code caFile}. */
    public static SSLContext sslContext(Path caFile) throws IOException, GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trustManagers(caFile), null);
        return context;
    }

    /**
     * Key managers presenting the certificate chain in {@code chainFile} (PEM, leaf first) with the
     * device key in {@code keyFile} (PKCS#8; ES256 or EdDSA: JSSE has no SM2 and no ML-DSA).
     */
    static KeyManager[] keyManagers(Path chainFile, Path keyFile) throws IOException, GeneralSecurityException {
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
        return kmf.getKeyManagers();
    }

    private static TrustManager[] trustManagers(Path caFile) throws IOException, GeneralSecurityException {
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
        return tmf.getTrustManagers();
    }

    private void connect() {
        try {
            replaceClient().connect(options(), null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    try {
                        reconnector.serial().execute(MqttTransport.this::onConnected);
                    } catch (java.util.concurrent.RejectedExecutionException e) {
                        LOG.fine("connected after close: ignored");
                    }
                }

                @Override
                public void onFailure(IMqttToken token, Throwable failure) {
                    LOG.log(Level.FINE, "connect to " + config.mqttUrl() + " failed: " + failure);
                    listener.disconnected("connect failed: " + failure.getMessage());
                    reconnector.retry();
                }
            });
        } catch (MqttException | IOException | GeneralSecurityException | RuntimeException e) {
            LOG.log(Level.WARNING, "connect to " + config.mqttUrl() + " failed: " + e);
            listener.disconnected("connect failed: " + e.getMessage());
            reconnector.retry();
        }
    }

    private void onConnected() {
        try {
            client.subscribe(ackTopic, 1).waitForCompletion(TOKEN_WAIT_MILLIS);
        } catch (MqttException e) {
            LOG.log(Level.WARNING, "subscribing to " + ackTopic + " failed: " + e);
            forceReconnect();
            return;
        }
        reconnector.succeeded();
        synchronized (outstanding) {
            outstanding.clear();
        }
        connected.set(true);
        listener.connected();
    }

    private void forceReconnect() {
        connected.set(false);
        try {
            client.disconnectForcibly(0, 1000, false);
        } catch (MqttException e) {
            LOG.log(Level.FINE, "forced disconnect: " + e);
        }
        reconnector.retry();
    }

    @Override
    public boolean isConnected() {
        return connected.get() && client.isConnected();
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
        if (!isConnected()) {
            throw new IOException("not connected");
        }
        try {
            synchronized (outstanding) {
                // stay within the broker's receive maximum: wait for the oldest publish to complete
                while (!outstanding.isEmpty() && (outstanding.peekFirst().isComplete() || outstanding.size() >= 8)) {
                    outstanding.pollFirst().waitForCompletion(TOKEN_WAIT_MILLIS);
                }
                MqttMessage message = new MqttMessage(payload);
                message.setQos(1);
                outstanding.addLast(publishWhenRoom(topic, message));
            }
        } catch (MqttException e) {
            throw new IOException("publish to " + topic + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Publishes, waiting while Paho reports its in-flight window full (it can lag behind completed
     * tokens by a moment), instead of treating that as a failed send.
     */
    private IMqttToken publishWhenRoom(String topic, MqttMessage message) throws MqttException {
        for (int attempt = 0; ; attempt++) {
            try {
                return client.publish(topic, message);
            } catch (MqttException e) {
                if (e.getReasonCode() != MqttClientException.REASON_CODE_MAX_INFLIGHT || attempt >= 1000) {
                    throw e;
                }
                IMqttToken oldest = outstanding.pollFirst();
                if (oldest != null) {
                    oldest.waitForCompletion(TOKEN_WAIT_MILLIS);
                } else {
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        throw e;
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        if (!reconnector.close()) {
            return;
        }
        connected.set(false);
        if (client != null) {
            try {
                if (client.isConnected()) {
                    client.disconnect(2000).waitForCompletion(3000);
                }
            } catch (MqttException e) {
                LOG.log(Level.FINE, "disconnect: " + e);
            }
            try {
                client.close(true);
            } catch (MqttException e) {
                LOG.log(Level.FINE, "close: " + e);
            }
        }
    }

    private final class Callback implements MqttCallback {
        private final MqttAsyncClient owner;

        Callback(MqttAsyncClient owner) {
            this.owner = owner;
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
            if (owner != client) {
                return; // a replaced client: its connection is not the current one
            }
            boolean was = connected.getAndSet(false);
            if (was) {
                listener.disconnected(String.valueOf(response));
            }
            reconnector.retry();
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            LOG.log(Level.WARNING, "MQTT error: " + exception);
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            if (ackTopic.equals(topic)) {
                listener.acknowledgement(message.getPayload());
            }
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
            // completion is tracked through the outstanding tokens
        }

        @Override
        public void connectComplete(boolean reconnect, String serverUri) {
            // handled by the connect action listener
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
            // no enhanced authentication
        }
    }
}
