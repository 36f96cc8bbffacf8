package io.sensorproof.gateway.core.coap;

import io.sensorproof.gateway.core.Acknowledger;
import io.sensorproof.gateway.core.IngestPipeline;
import io.sensorproof.gateway.core.StatusHandler;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.server.DelivererException;
import org.eclipse.californium.core.server.ServerMessageDeliverer;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.core.server.resources.Resource;
import org.eclipse.californium.elements.config.CertificateAuthenticationMode;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConfig.DtlsRole;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.CertificateType;
import org.eclipse.californium.scandium.dtls.SignatureAndHashAlgorithm;
import org.eclipse.californium.scandium.dtls.x509.SingleCertificateProvider;

/**
 * Feeds the ingest pipeline from CoAP over DTLS (Eclipse Californium and Scandium): confirmable
 * {@code POST /t/{tenant}/d/{device}/up} (Content-Format 18, a COSE_Sign1 reading message) and
 * {@code POST .../status}; the response carries the signed acknowledgement or rejection of that
 * message after its batch committed ({@link CoapReplies}).
 *
 * <p>DTLS: the server presents its certificate (or its raw public key, if the client asks for RPK);
 * clients must authenticate, with a device certificate from the device CAs or a registered raw
 * public key ({@link DevicePeerVerifier}). No PSK, no plain CoAP.
 *
 * <p>Sizes: CoAP messages up to {@code maxMessageSize} (Californium's default 1,024 bytes fits a
 * DTLS record in one datagram); request bodies up to the protocol's 16 KiB arrive block-wise
 * (block1, RFC 7959) and are assembled by Californium before the resource sees them; a larger body
 * is answered 4.13 by Californium.
 */
public final class CoapIngestAdapter implements AutoCloseable {
    /**
     * Exchanges kept per peer for CoAP duplicate detection (Californium's per-peer mark and sweep, Californium's
     * default count for it, ADR 050): eight times the agent's default {@code coap.max-in-flight}, so a retransmission
     * of a recent request is still answered from the deduplicator; older ones go through the pipeline again and are
     * answered as duplicates.
     */
    static final int DEDUPLICATION_MESSAGES_PER_PEER = 64;

    private final CoapIngestSettings settings;
    private final CoapIngest ingest;
    private final DevicePeerVerifier verifier;
    private final CoapServer server;
    private final CoapEndpoint endpoint;
    private final MeasuredDtlsConnector connector;
    private final List<X509Certificate> serverChain;

    /**
     * @param serverKey the gateway's DTLS private key (EC P-256)
     * @param serverChain its certificate chain, leaf first (self-signed or CA-issued)
     * @param trustedCas device CA certificates (current ones, asked at every handshake)
     * @param pipeline builds the pipeline given this adapter's acknowledger, which sends nothing:
     *     replies travel in the CoAP responses
     * @param statusHandler verifies status messages (null: {@code /status} answers 4.04)
     */
    public CoapIngestAdapter(CoapIngestSettings settings, PrivateKey serverKey, List<X509Certificate> serverChain,
            Supplier<List<X509Certificate>> trustedCas, PeerResolver resolver, Function<Acknowledger, IngestPipeline> pipeline,
            StatusHandler statusHandler, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.serverChain = List.copyOf(serverChain);
        this.verifier = new DevicePeerVerifier(trustedCas, resolver);
        this.ingest = new CoapIngest(settings, pipeline.apply(reply -> { }), statusHandler, resolver, clock);
        Configuration config = configuration(settings);
        DtlsConnectorConfig dtls = DtlsConnectorConfig.builder(config)
                .setAddress(settings.bindAddress())
                .setCertificateIdentityProvider(new SingleCertificateProvider(serverKey, serverChain.toArray(new X509Certificate[0]),
                        CertificateType.X_509, CertificateType.RAW_PUBLIC_KEY))
                .setAdvancedCertificateVerifier(verifier)
                .build();
        this.connector = new MeasuredDtlsConnector(dtls);
        this.endpoint = new CoapEndpoint.Builder().setConfiguration(config).setConnector(connector).build();
        IngestResource resource = new IngestResource();
        this.server = new CoapServer(config);
        this.server.setMessageDeliverer(new ServerMessageDeliverer(server.getRoot(), config) {
            @Override
            protected Resource findResource(List<String> path) throws DelivererException {
                if (path.size() == 5 && "t".equals(path.get(0)) && "d".equals(path.get(2))
                        && ("up".equals(path.get(4)) || "status".equals(path.get(4)))) {
                    return resource;
                }
                return super.findResource(path);
            }
        });
        this.server.addEndpoint(endpoint);
    }

    /** The Californium configuration: DTLS server with required client authentication, sizes for block-wise transfer. */
    static Configuration configuration(CoapIngestSettings settings) {
        CoapConfig.register();
        UdpConfig.register();
        DtlsConfig.register();
        Configuration config = new Configuration();
        config.set(CoapConfig.MAX_MESSAGE_SIZE, settings.maxMessageSize());
        config.set(CoapConfig.PREFERRED_BLOCK_SIZE, settings.preferredBlockSize());
        config.set(CoapConfig.MAX_RESOURCE_BODY_SIZE, CoapIngestSettings.MAX_BODY_BYTES);
        // Duplicate detection keeps at most DEDUPLICATION_MESSAGES_PER_PEER exchanges per peer (each still for at most
        // EXCHANGE_LIFETIME, 247 s). Californium's default keeps every exchange for 247 s: a sustained 3,000 requests/s
        // held ~160,000 exchanges (about 3.3 KB each with request and response) and filled a 1 GB heap, with G1's
        // concurrent marking at half a core; one fast device could do it alone. A retransmission older than the last
        // 64 messages of its peer reaches the pipeline again, which answers it as a duplicate (protocol §5).
        config.set(CoapConfig.DEDUPLICATOR, CoapConfig.DEDUPLICATOR_PEERS_MARK_AND_SWEEP);
        config.set(CoapConfig.PEERS_MARK_AND_SWEEP_MESSAGES, DEDUPLICATION_MESSAGES_PER_PEER);
        config.set(DtlsConfig.DTLS_ROLE, DtlsRole.SERVER_ONLY);
        config.set(DtlsConfig.DTLS_CLIENT_AUTHENTICATION_MODE, CertificateAuthenticationMode.NEEDED);
        // a burst of datagrams beyond the socket's receive buffer is dropped by the kernel (UDP RcvbufErrors) and
        // only comes back as a CoAP retransmission seconds later (ADR 043); 0 keeps the OS default
        if (settings.receiveBufferBytes() > 0) {
            config.set(DtlsConfig.DTLS_RECEIVE_BUFFER_SIZE, settings.receiveBufferBytes());
        }
        if (settings.sendBufferBytes() > 0) {
            config.set(DtlsConfig.DTLS_SEND_BUFFER_SIZE, settings.sendBufferBytes());
        }
        // Ed25519 device keys sign the handshake themselves (Scandium's default list has ECDSA and RSA only)
        config.setAsList(DtlsConfig.DTLS_SIGNATURE_AND_HASH_ALGORITHMS, SignatureAndHashAlgorithm.SHA256_WITH_ECDSA,
                SignatureAndHashAlgorithm.SHA384_WITH_ECDSA, SignatureAndHashAlgorithm.INTRINSIC_WITH_ED25519);
        return config;
    }

    /** Starts the worker and the DTLS endpoint. */
    public void start() {
        ingest.start();
        server.start();
    }

    /** The bound address (the real port when 0 was configured); valid after {@link #start()}. */
    public InetSocketAddress address() {
        return endpoint.getAddress();
    }

    /** True while the endpoint runs. */
    public boolean isRunning() {
        return endpoint.isStarted();
    }

    /**
     * The DTLS socket's receive buffer as the kernel granted it (SO_RCVBUF read back; Linux reports twice the
     * size it accepted, capped at {@code net.core.rmem_max}), or -1 before {@link #start()}.
     */
    public int receiveBufferBytes() {
        return connector.receiveBuffer;
    }

    /** The DTLS socket's send buffer as granted (SO_SNDBUF read back), or -1 before {@link #start()}. */
    public int sendBufferBytes() {
        return connector.sendBuffer;
    }

    /**
     * What is short of the configured socket buffers, as an operator's instruction, or empty when the
     * kernel granted at least what was asked (or nothing was asked).
     *
     * @param requested the configured size (0: the OS default, nothing asked)
     * @param granted the size read back from the socket
     * @param sysctl the kernel setting that caps it ({@code net.core.rmem_max} or {@code net.core.wmem_max})
     */
    public static java.util.Optional<String> shortfall(int requested, int granted, String sysctl) {
        if (requested <= 0 || granted < 0 || granted >= requested) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of("asked " + requested + " bytes, the kernel granted " + granted + ": set " + sysctl + " to at least "
                + requested + " (deploy/sysctl/90-sensorproof-coap.conf)");
    }

    /** The ingest core (counters, queue depth). */
    public CoapIngest ingest() {
        return ingest;
    }

    /** The DTLS client check (accepted and refused handshakes). */
    public DevicePeerVerifier verifier() {
        return verifier;
    }

    /** The gateway's DTLS certificate chain, leaf first (what devices trust). */
    public List<X509Certificate> serverCertificates() {
        return serverChain;
    }

    /** The settings. */
    public CoapIngestSettings settings() {
        return settings;
    }

    @Override
    public void close() {
        server.stop();
        ingest.close();
        server.destroy();
    }

    /** The one resource behind every {@code t/{tenant}/d/{device}/(up|status)} path. */
    private final class IngestResource extends CoapResource {
        IngestResource() {
            super("ingest", false);
        }

        @Override
        public void handlePOST(CoapExchange exchange) {
            Request request = exchange.advanced().getRequest();
            int format = request.getOptions().hasContentFormat() ? request.getOptions().getContentFormat() : -1;
            CoapUplink uplink = new CoapUplink(request.getOptions().getUriPath(), format, request.getPayload(),
                    request.getSourceContext().getPeerIdentity());
            ingest.offer(uplink, reply -> exchange.respond(response(reply)));
        }

        @Override
        public void handleGET(CoapExchange exchange) {
            exchange.respond(ResponseCode.METHOD_NOT_ALLOWED);
        }
    }

    /** Scandium's connector, reading back the socket buffers the kernel granted once it bound its socket. */
    private static final class MeasuredDtlsConnector extends DTLSConnector {
        volatile int receiveBuffer = -1;
        volatile int sendBuffer = -1;

        MeasuredDtlsConnector(DtlsConnectorConfig config) {
            super(config);
        }

        @Override
        protected void init(InetSocketAddress bindAddress, DatagramSocket socket, Integer mtu) throws IOException {
            super.init(bindAddress, socket, mtu);
            receiveBuffer = socket.getReceiveBufferSize();
            sendBuffer = socket.getSendBufferSize();
        }
    }

    private static Response response(CoapReply reply) {
        Response response = new Response(reply.code());
        byte[] payload = reply.payload();
        if (payload.length > 0) {
            response.setPayload(payload);
        }
        if (reply.contentFormat() >= 0) {
            response.getOptions().setContentFormat(reply.contentFormat());
        }
        reply.maxAge().ifPresent(seconds -> response.getOptions().setMaxAge(seconds));
        return response;
    }
}
