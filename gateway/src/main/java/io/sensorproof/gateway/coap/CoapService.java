package io.sensorproof.gateway.coap;

import io.sensorproof.gateway.GatewaySettings;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.sensorproof.gateway.core.DeviceDirectory;
import io.sensorproof.gateway.core.coap.CoapIngest;
import io.sensorproof.gateway.core.coap.CoapIngestAdapter;
import io.sensorproof.gateway.core.coap.CoapIngestSettings;
import io.sensorproof.gateway.core.coap.PeerResolver;
import io.sensorproof.gateway.enroll.DeviceCertificateAuthority;
import io.sensorproof.gateway.ingest.IngestService;
import io.sensorproof.gateway.persistence.PgTransportKeyDirectory;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Wires CoAP over DTLS ingestion: the gateway's DTLS identity from the data directory, device CA
 * trust, the transport-key registry of SM2 devices, a pipeline from {@link IngestService} (same
 * ports, counters and quota as MQTT), start and stop with Quarkus, and Micrometer meters
 * ({@code sensorproof.coap.*}, no per-device labels).
 *
 * <p>Trust: device certificates chain to the gateway's device CA (every generation it still trusts,
 * {@link DeviceCertificateAuthority#trustedCaCertificates()}, so a rotation needs no restart) or to
 * a CA in {@code sensorproof.coap.trust-file} (devices whose certificates another CA issued);
 * registered keys are accepted as raw public keys.
 */
@ApplicationScoped
public class CoapService {
    private static final Logger LOG = Logger.getLogger(CoapService.class);

    @Inject
    CoapConfig config;
    @Inject
    GatewaySettings settings;
    @Inject
    IngestService ingest;
    @Inject
    DeviceDirectory directory;
    @Inject
    MeterRegistry meters;
    @Inject
    DeviceCertificateAuthority deviceCa;
    @Inject
    PgTransportKeyDirectory transportKeys;

    private volatile CoapIngestAdapter adapter;
    private Supplier<List<X509Certificate>> trustedCas;

    void start(@Observes @Priority(3000) StartupEvent event) {
        if (!config.enabled()) {
            LOG.info("sensorproof.coap.enabled=false: CoAP ingestion is off");
            return;
        }
        Path dataDir = Path.of(settings.dataDir());
        CoapServerIdentity identity;
        try {
            identity = CoapServerIdentity.loadOrCreate(
                    config.serverKeyFile().map(Path::of).orElse(dataDir.resolve("coap-server-key.p8")),
                    config.serverCertificateFile().map(Path::of).orElse(dataDir.resolve("coap-server.pem")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Supplier<List<X509Certificate>> extra = config.trustFile().filter(f -> !f.isBlank())
                .<Supplier<List<X509Certificate>>>map(f -> new PemFileTrust(Path.of(f))).orElse(List::of);
        trustedCas = () -> {
            List<X509Certificate> all = new java.util.ArrayList<>(deviceCa.trustedCaCertificates());
            all.addAll(extra.get());
            return all;
        };
        CoapIngestSettings settings = new CoapIngestSettings(new InetSocketAddress(config.bindAddress(), config.port()),
                config.queueCapacity(), config.batchMax(), config.batchLinger(), config.retryAfter(), config.maxMessageSize(),
                config.blockSize(), config.receiveBufferBytes(), config.sendBufferBytes());
        adapter = new CoapIngestAdapter(settings, identity.privateKey(), identity.chain(), trustedCas,
                new PeerResolver(directory, transportKeys), ingest::pipeline, ingest.statusHandler(), Clock.systemUTC());
        adapter.start();
        bindMetrics(adapter);
        LOG.infof("CoAP over DTLS ingestion on udp %s; device CAs: the gateway's device CA%s; socket buffers granted: receive %d,"
                + " send %d bytes", adapter.address(), config.trustFile().map(f -> " and " + f).orElse(""), adapter.receiveBufferBytes(),
                adapter.sendBufferBytes());
        CoapIngestAdapter.shortfall(config.receiveBufferBytes(), adapter.receiveBufferBytes(), "net.core.rmem_max").ifPresent(s -> LOG.warnf(
                "CoAP DTLS receive buffer smaller than configured (sensorproof.coap.receive-buffer-bytes): %s; bursts will be dropped"
                        + " as UDP RcvbufErrors and resent by the devices seconds later", s));
        CoapIngestAdapter.shortfall(config.sendBufferBytes(), adapter.sendBufferBytes(), "net.core.wmem_max").ifPresent(s -> LOG.warnf(
                "CoAP DTLS send buffer smaller than configured (sensorproof.coap.send-buffer-bytes): %s", s));
    }

    void stop(@Observes ShutdownEvent event) {
        CoapIngestAdapter a = adapter;
        if (a != null) {
            a.close();
        }
    }

    /** The running adapter, when CoAP is enabled. */
    public Optional<CoapIngestAdapter> adapter() {
        return Optional.ofNullable(adapter);
    }

    private void bindMetrics(CoapIngestAdapter a) {
        Map<String, LongAdder> counters = a.ingest().liveCounters();
        counters.forEach((name, adder) -> {
            if (name.startsWith("replies.")) {
                FunctionCounter.builder("sensorproof.coap.responses", adder, LongAdder::doubleValue)
                        .tag("code", name.substring("replies.".length())).description("CoAP responses to ingest requests, by code")
                        .register(meters);
            } else {
                FunctionCounter.builder("sensorproof.coap." + name, adder, LongAdder::doubleValue).register(meters);
            }
        });
        a.verifier().refusedCounters().forEach((code, adder) -> FunctionCounter
                .builder("sensorproof.coap.handshakes.refused", adder, LongAdder::doubleValue).tag("reason", code)
                .description("DTLS handshakes whose client was refused, by reason").register(meters));
        FunctionCounter.builder("sensorproof.coap.handshakes.accepted", a.verifier(), v -> v.accepted()).register(meters);
        Gauge.builder("sensorproof.coap.socket.receive.buffer", a, CoapIngestAdapter::receiveBufferBytes).baseUnit("bytes")
                .description("receive buffer of the DTLS socket as the kernel granted it (SO_RCVBUF read back)").register(meters);
        Gauge.builder("sensorproof.coap.socket.send.buffer", a, CoapIngestAdapter::sendBufferBytes).baseUnit("bytes")
                .description("send buffer of the DTLS socket as the kernel granted it (SO_SNDBUF read back)").register(meters);
        CoapIngest core = a.ingest();
        Gauge.builder("sensorproof.ingest.queue.depth", core, CoapIngest::queueDepth).tag("transport", "coap")
                .description("messages received and waiting for the pipeline").register(meters);
        Gauge.builder("sensorproof.ingest.queue.capacity", a.settings(), s -> s.queueCapacity()).tag("transport", "coap")
                .description("capacity of the queue between the transport and the pipeline").register(meters);
    }
}
