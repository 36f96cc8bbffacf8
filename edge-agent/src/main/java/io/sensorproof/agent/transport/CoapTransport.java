package io.sensorproof.agent.transport;

import io.sensorproof.agent.config.AgentConfig;
import io.sensorproof.agent.keys.KeyFiles;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.ids.Topics;
import io.sensorproof.protocol.retry.Backoff;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapHandler;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.auth.RawPublicKeyIdentity;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConfig.DtlsRole;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.CertificateType;
import org.eclipse.californium.scandium.dtls.SignatureAndHashAlgorithm;
import org.eclipse.californium.scandium.dtls.x509.SingleCertificateProvider;
import org.eclipse.californium.scandium.dtls.x509.StaticNewAdvancedCertificateVerifier;

/**
 * CoAP over DTLS transport (Eclipse Californium and Scandium): confirmable {@code POST} of each
 * signed message to {@code /t/{tenant}/d/{device}/up} (Content-Format 18) and of status messages to
 * {@code .../status}. The response of an uplink carries the gateway's signed acknowledgement (2.04)
 * or rejection (4.xx, Content-Format 18); both go to the agent unverified, exactly like the MQTT ack
 * topic, so the outbox rules are the same: the agent verifies and deletes only what the ack names.
 *
 * <p>Other answers: an unsigned 4.xx/5.xx diagnostic is logged and counted and the message stays in
 * the outbox (the agent resends it after its acknowledgement timeout); 5.03 Service Unavailable makes
 * the transport hold all sending for Max-Age seconds and then post that message again. A request
 * that exhausts CoAP's retransmissions means the gateway is unreachable: the session counts as down
 * and is re-established with {@link Backoff}, then the agent resends everything unacknowledged.
 *
 * <p>DTLS: client authentication by certificate chain (x509) or raw public key (rpk); the gateway is
 * trusted through the certificates of {@code coap.dtls.trust-file} (as CAs, or, in rpk mode, their
 * keys). Messages above 1 KiB are sent block-wise (block1). SM2 and ML-DSA devices use a separate
 * P-256 transport key, since Scandium has no SM2 or ML-DSA cipher suites (ADR 012, ADR 015, ADR 029);
 * the message itself stays signed with the device key.
 */
public final class CoapTransport implements Transport {
    private static final Logger LOG = Logger.getLogger(CoapTransport.class.getName());
    /** Content-Format of COSE_Sign1 (RFC 9052). */
    public static final int COSE_SIGN1 = 18;
    /** Name of the generated transport key of SM2 and ML-DSA devices in the data directory. */
    public static final String TRANSPORT_KEY_FILE = "transport-key.p8";
    private static final long CONNECT_TIMEOUT_MILLIS = 15_000;

    private final AgentConfig config;
    private final String upUri;
    private final String statusUri;
    private final Reconnector reconnector;
    private final AtomicBoolean connected = new AtomicBoolean();
    private final AtomicLong pausedUntilNanos = new AtomicLong(System.nanoTime());
    private final Map<String, LongAdder> responses = new ConcurrentHashMap<>();
    private final Semaphore window;
    private CoapEndpoint endpoint;
    private CoapClient client;
    private Listener listener;

    /**
     * @param backoffObserver told every chosen reconnect delay (for metrics)
     */
    public CoapTransport(AgentConfig config, Backoff backoff, LongConsumer backoffObserver) {
        this.config = config;
        this.reconnector = new Reconnector("coap-transport", backoff, backoffObserver, this::connect);
        String base = config.coap().uri().replaceAll("/+$", "");
        this.upUri = base + "/" + Topics.up(config.tenant(), config.device());
        this.statusUri = base + "/" + Topics.status(config.tenant(), config.device());
        this.window = new Semaphore(config.coap().maxInFlight());
    }

    @Override
    public void start(Listener listener) {
        this.listener = listener;
        try {
            endpoint = endpoint(config);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot set up DTLS for " + config.coap().uri() + ": " + e.getMessage(), e);
        }
        client = new CoapClient(upUri);
        client.setEndpoint(endpoint);
        reconnector.start();
    }

    /** The DTLS endpoint from the agent's key, certificate and trust files (also for tools and tests that post by hand). */
    public static CoapEndpoint endpoint(AgentConfig config) throws IOException, GeneralSecurityException {
        AgentConfig.Coap coap = config.coap();
        CoapConfig.register();
        UdpConfig.register();
        DtlsConfig.register();
        Configuration cfg = new Configuration();
        cfg.set(CoapConfig.MAX_MESSAGE_SIZE, 1024);
        cfg.set(CoapConfig.PREFERRED_BLOCK_SIZE, coap.blockSize());
        cfg.set(CoapConfig.MAX_RESOURCE_BODY_SIZE, 16_384);
        cfg.set(DtlsConfig.DTLS_ROLE, DtlsRole.CLIENT_ONLY);
        // the gateway is pinned through the trust file, not through its host name
        cfg.set(DtlsConfig.DTLS_VERIFY_SERVER_CERTIFICATES_SUBJECT, false);
        // Ed25519 device keys sign the handshake themselves (Scandium's default list has ECDSA and RSA only)
        cfg.setAsList(DtlsConfig.DTLS_SIGNATURE_AND_HASH_ALGORITHMS, SignatureAndHashAlgorithm.SHA256_WITH_ECDSA,
                SignatureAndHashAlgorithm.SHA384_WITH_ECDSA, SignatureAndHashAlgorithm.INTRINSIC_WITH_ED25519);
        if (coap.trustFile().isEmpty()) {
            throw new IOException("setting coap.dtls.trust-file is required: the gateway's CA or certificate");
        }
        List<X509Certificate> trust = readCertificates(Path.of(coap.trustFile()));
        Path keyFile = dtlsKeyFile(config);
        PrivateKey privateKey = privateKey(keyFile);
        DtlsConnectorConfig.Builder dtls = DtlsConnectorConfig.builder(cfg);
        StaticNewAdvancedCertificateVerifier.Builder verifier = StaticNewAdvancedCertificateVerifier.builder();
        if (coap.rawPublicKey()) {
            dtls.setCertificateIdentityProvider(new SingleCertificateProvider(privateKey, publicKey(keyFile)));
            verifier.setTrustedRPKs(trust.stream().map(c -> new RawPublicKeyIdentity(c.getPublicKey())).toArray(RawPublicKeyIdentity[]::new));
        } else {
            if (coap.certificateFile().isEmpty()) {
                throw new IOException("setting coap.dtls.certificate-file is required in x509 mode");
            }
            List<X509Certificate> chain = readCertificates(Path.of(coap.certificateFile()));
            dtls.setCertificateIdentityProvider(new SingleCertificateProvider(privateKey, chain.toArray(new Certificate[0]),
                    CertificateType.X_509));
            verifier.setTrustedCertificates(trust.toArray(new Certificate[0]));
        }
        dtls.setAdvancedCertificateVerifier(verifier.build());
        return new CoapEndpoint.Builder().setConfiguration(cfg).setConnector(new DTLSConnector(dtls.build())).build();
    }

    /**
     * The DTLS key file: {@code coap.dtls.key-file}, else the device key when Scandium can use it
     * (ES256, EdDSA), else {@code <data.dir>/transport-key.p8}, a P-256 key created on first use (SM2
     * and ML-DSA devices; its public key must be registered with the gateway as the device's transport key).
     */
    public static Path dtlsKeyFile(AgentConfig config) throws IOException {
        if (!config.coap().keyFile().isEmpty()) {
            return Path.of(config.coap().keyFile());
        }
        SigningKey device = KeyFiles.load(config.keyFile());
        if (TlsKeys.canAuthenticateTls(device.algorithm())) {
            return config.keyFile();
        }
        Path transport = config.dataDir().resolve(TRANSPORT_KEY_FILE);
        if (!Files.exists(transport)) {
            SigningKey key = KeyFiles.generate(transport, SignatureAlgorithm.ES256);
            LOG.warning(() -> device.algorithm().label() + " device: created the DTLS transport key " + transport + " (kid " + key.verificationKey().kidHex()
                    + "); register its public key with the gateway: " + java.util.Base64.getEncoder().encodeToString(key.verificationKey().spki()));
        }
        return transport;
    }

    private static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
        SigningKey key = KeyFiles.load(file);
        if (!TlsKeys.canAuthenticateTls(key.algorithm())) {
            throw new IOException("DTLS key " + file + " is an " + key.algorithm().label()
                    + " key; Scandium has no cipher suites for it (use a P-256 transport key)");
        }
        String alg = key.algorithm() == SignatureAlgorithm.EDDSA ? "Ed25519" : "EC";
        return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(file)));
    }

    private static PublicKey publicKey(Path file) throws IOException, GeneralSecurityException {
        SigningKey key = KeyFiles.load(file);
        String alg = key.algorithm() == SignatureAlgorithm.EDDSA ? "Ed25519" : "EC";
        return KeyFactory.getInstance(alg).generatePublic(new X509EncodedKeySpec(key.verificationKey().spki()));
    }

    static List<X509Certificate> readCertificates(Path file) throws IOException, GeneralSecurityException {
        List<X509Certificate> out = new ArrayList<>();
        for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(Files.readAllBytes(file)))) {
            out.add((X509Certificate) c);
        }
        if (out.isEmpty()) {
            throw new IOException("no certificates in " + file);
        }
        return out;
    }

    private void connect() {
        boolean up;
        try {
            // an empty confirmable message: runs the DTLS handshake and proves the gateway answers
            up = client.ping(CONNECT_TIMEOUT_MILLIS);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "CoAP ping failed", e);
            up = false;
        }
        if (!up) {
            listener.disconnected("no DTLS session with " + config.coap().uri());
            reconnector.retry();
            return;
        }
        reconnector.succeeded();
        connected.set(true);
        listener.connected();
    }

    private void lost(String reason) {
        if (connected.compareAndSet(true, false)) {
            listener.disconnected(reason);
            if (endpoint.getConnector() instanceof DTLSConnector dtls) {
                // a fresh handshake at the next attempt (the gateway may have restarted)
                dtls.clearConnectionState();
            }
            reconnector.retry();
        }
    }

    @Override
    public boolean isConnected() {
        return connected.get();
    }

    @Override
    public void sendMessage(byte[] message) throws IOException {
        post(upUri, message, true);
    }

    @Override
    public void sendStatus(byte[] status) throws IOException {
        post(statusUri, status, false);
    }

    private void post(String uri, byte[] payload, boolean uplink) throws IOException {
        if (!isConnected()) {
            throw new IOException("not connected");
        }
        try {
            long wait = pausedUntilNanos.get() - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            if (!window.tryAcquire(config.ackTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException("no answer to " + config.coap().maxInFlight() + " requests within " + config.ackTimeout());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        Request request = Request.newPost();
        request.setURI(uri);
        request.setPayload(payload);
        request.getOptions().setContentFormat(COSE_SIGN1);
        client.advanced(new CoapHandler() {
            @Override
            public void onLoad(CoapResponse response) {
                window.release();
                answered(response, payload, uplink);
            }

            @Override
            public void onError() {
                window.release();
                count("error");
                lost("request to " + uri + " got no answer");
            }
        }, request);
    }

    private void answered(CoapResponse response, byte[] payload, boolean uplink) {
        ResponseCode code = response.getCode();
        count(code.codeClass + "." + String.format("%02d", code.codeDetail));
        boolean signed = response.getOptions().getContentFormat() == COSE_SIGN1 && response.getPayload() != null
                && response.getPayload().length > 0;
        if (uplink && signed && (code == ResponseCode.CHANGED || code.isClientError())) {
            listener.acknowledgement(response.getPayload());
            return;
        }
        if (code == ResponseCode.SERVICE_UNAVAILABLE) {
            long maxAge = response.getOptions().hasMaxAge() ? response.getOptions().getMaxAge() : 60;
            pausedUntilNanos.accumulateAndGet(System.nanoTime() + TimeUnit.SECONDS.toNanos(maxAge), Math::max);
            LOG.fine(() -> "gateway busy (5.03); holding sends for " + maxAge + " s");
            if (uplink) {
                reconnector.executor().schedule(() -> resend(payload), maxAge, TimeUnit.SECONDS);
            }
            return;
        }
        if (!code.isSuccess()) {
            String text = response.getPayload() == null ? "" : new String(response.getPayload(), StandardCharsets.UTF_8);
            LOG.warning(() -> "gateway refused a " + (uplink ? "message" : "status message") + " with " + code + " " + text
                    + "; it stays in the outbox");
        }
    }

    private void resend(byte[] payload) {
        try {
            if (isConnected()) {
                post(upUri, payload, true);
            }
        } catch (IOException e) {
            LOG.fine(() -> "resend after 5.03 failed: " + e.getMessage());
        }
    }

    private void count(String what) {
        responses.computeIfAbsent(what, k -> new LongAdder()).increment();
    }

    /** Responses by code ({@code 2.04}, {@code 4.03}, {@code 5.03}, ... and {@code error} for no answer). */
    public Map<String, Long> responses() {
        Map<String, Long> out = new TreeMap<>();
        responses.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    @Override
    public void close() {
        if (!reconnector.close()) {
            return;
        }
        connected.set(false);
        if (client != null) {
            client.shutdown();
        }
        if (endpoint != null) {
            endpoint.destroy();
        }
    }
}
