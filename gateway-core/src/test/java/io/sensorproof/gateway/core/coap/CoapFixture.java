package io.sensorproof.gateway.core.coap;

import io.sensorproof.agent.EdgeAgent;
import io.sensorproof.agent.config.AgentConfig;
import io.sensorproof.agent.keys.KeyFiles;
import io.sensorproof.protocol.retry.Backoff;
import io.sensorproof.agent.transport.CoapTransport;
import io.sensorproof.gateway.core.DeviceStatus;
import io.sensorproof.gateway.core.InMemoryMessageStore;
import io.sensorproof.gateway.core.InMemoryQuarantine;
import io.sensorproof.gateway.core.IngestPipeline;
import io.sensorproof.gateway.core.MessageStore;
import io.sensorproof.gateway.core.RegisteredDevice;
import io.sensorproof.gateway.core.StatusHandler;
import io.sensorproof.gateway.core.TransportPeer;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.network.CoapEndpoint;

/**
 * A CoAP/DTLS gateway on loopback around an in-memory pipeline, a test device CA, and devices with
 * agent configurations for certificate or raw-public-key authentication.
 */
final class CoapFixture implements AutoCloseable {
    final Path dir;
    final TestPki pki;
    final KeyPair serverKeys;
    final X509Certificate serverCertificate;
    final SigningKey gatewayKey = Keys.generate(SignatureAlgorithm.ES256, new SecureRandom());
    final Map<ByteBuffer, RegisteredDevice> devices = new ConcurrentHashMap<>();
    final Map<ByteBuffer, TransportPeer> transportKeys = new ConcurrentHashMap<>();
    final InMemoryMessageStore store = new InMemoryMessageStore();
    final InMemoryQuarantine quarantine = new InMemoryQuarantine();
    final CoapIngestAdapter adapter;

    CoapFixture(Path dir, UnaryOperator<CoapIngestSettings> settings, UnaryOperator<MessageStore> storeWrapper) throws Exception {
        this.dir = dir;
        this.pki = TestPki.create("test device CA");
        this.serverKeys = TestPki.p256();
        this.serverCertificate = TestPki.selfSigned(serverKeys, "gateway");
        PeerResolver resolver = new PeerResolver(kid -> Optional.ofNullable(devices.get(ByteBuffer.wrap(kid))),
                kid -> Optional.ofNullable(transportKeys.get(ByteBuffer.wrap(kid))));
        MessageStore wrapped = storeWrapper.apply(store);
        this.adapter = new CoapIngestAdapter(settings.apply(CoapIngestSettings.defaults(new InetSocketAddress("127.0.0.1", 0))),
                serverKeys.getPrivate(), List.of(serverCertificate), () -> List.of(pki.ca), resolver,
                ack -> IngestPipeline.builder().directory(kid -> Optional.ofNullable(devices.get(ByteBuffer.wrap(kid))))
                        .store(wrapped).quarantine(quarantine).acknowledger(ack).alerts(a -> { }).ackKey(gatewayKey)
                        .clock(Clock.systemUTC()).build(),
                new StatusHandler(kid -> Optional.ofNullable(devices.get(ByteBuffer.wrap(kid))), (d, s, t) -> { }), Clock.systemUTC());
        adapter.start();
    }

    CoapFixture(Path dir) throws Exception {
        this(dir, s -> s, s -> s);
    }

    /** A device with an agent data directory, its key registered with the given status. */
    final class Device {
        final String tenant;
        final String id;
        final Path home;
        final SigningKey key;
        RegisteredDevice registered;

        Device(String tenant, String id, SignatureAlgorithm alg) throws Exception {
            this.tenant = tenant;
            this.id = id;
            this.home = dir.resolve(id);
            this.key = KeyFiles.generate(home.resolve("device-key.p8"), alg);
            setStatus(DeviceStatus.ACTIVE);
        }

        void setStatus(DeviceStatus status) {
            registered = new RegisteredDevice(tenant, id, key.verificationKey(), status);
            devices.put(ByteBuffer.wrap(key.verificationKey().kid()), registered);
        }

        /** Agent configuration for coap; x509 issues a certificate for the DTLS key first. */
        AgentConfig config(boolean rawPublicKey, Map<String, String> extra) throws Exception {
            Properties p = new Properties();
            p.setProperty("tenant", tenant);
            p.setProperty("device", id);
            p.setProperty("data.dir", home.toString());
            p.setProperty("gateway.ack-key", Base64.getEncoder().encodeToString(gatewayKey.verificationKey().spki()));
            p.setProperty("transport", "coap");
            p.setProperty("coap.uri", "coaps://127.0.0.1:" + adapter.address().getPort());
            p.setProperty("coap.dtls.mode", rawPublicKey ? "rpk" : "x509");
            p.setProperty("coap.dtls.trust-file", TestPki.writePem(home.resolve("gateway.pem"), List.of(serverCertificate)).toString());
            p.setProperty("pack.max-age-millis", "100");
            p.setProperty("ack.timeout-millis", "5000");
            extra.forEach(p::setProperty);
            AgentConfig config = AgentConfig.resolve(p, Map.of());
            if (!rawPublicKey) {
                SigningKey dtlsKey = KeyFiles.load(CoapTransport.dtlsKeyFile(config));
                X509Certificate cert = pki.issueDevice(TestPki.jca(dtlsKey.verificationKey()), tenant, id, true);
                p.setProperty("coap.dtls.certificate-file", TestPki.writePem(home.resolve("chain.pem"), List.of(cert, pki.ca)).toString());
                config = AgentConfig.resolve(p, Map.of());
            }
            return config;
        }

        EdgeAgent agent(AgentConfig config) throws Exception {
            return EdgeAgent.start(config, key, gatewayKey.verificationKey(),
                    metrics -> new CoapTransport(config, new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2), new SecureRandom()),
                            metrics::recordBackoff), Clock.systemUTC());
        }
    }

    /** A hand-driven DTLS client with a device's credentials, for posting arbitrary bytes to arbitrary paths. */
    static final class RawClient implements AutoCloseable {
        private final CoapEndpoint endpoint;
        private final CoapClient client;
        private final String base;

        RawClient(AgentConfig config) throws Exception {
            this.endpoint = CoapTransport.endpoint(config);
            this.client = new CoapClient();
            this.client.setEndpoint(endpoint);
            this.client.setTimeout(20_000L);
            this.base = config.coap().uri();
        }

        boolean handshake() {
            client.setURI(base);
            return client.ping(15_000);
        }

        CoapResponse post(String path, byte[] payload) throws Exception {
            Request request = Request.newPost();
            request.setURI(base + "/" + path);
            request.setPayload(payload);
            request.getOptions().setContentFormat(CoapReply.COSE_SIGN1);
            return client.advanced(request);
        }

        @Override
        public void close() {
            client.shutdown();
            endpoint.destroy();
        }
    }

    @Override
    public void close() {
        adapter.close();
    }
}
