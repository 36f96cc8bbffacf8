package io.sensorproof.gateway.ingest;

import io.sensorproof.gateway.GatewaySettings;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.sensorproof.gateway.core.Acknowledger;
import io.sensorproof.gateway.core.DeviceDirectory;
import io.sensorproof.gateway.core.IngestMetrics;
import io.sensorproof.gateway.core.IngestPipeline;
import io.sensorproof.gateway.core.IngestSettings;
import io.sensorproof.gateway.core.MessageStore;
import io.sensorproof.gateway.core.OperatorAlerts;
import io.sensorproof.gateway.core.Quarantine;
import io.sensorproof.gateway.core.QuarantineQuota;
import io.sensorproof.gateway.core.mqtt.MqttIngestAdapter;
import io.sensorproof.gateway.core.mqtt.MqttIngestSettings;
import io.sensorproof.protocol.cose.Signatures;
import io.sensorproof.protocol.cose.SigningKey;
import io.sensorproof.protocol.cose.VerificationKey;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.jboss.logging.Logger;

/**
 * Wires the framework-free pipeline of {@code gateway-core} to the application: PostgreSQL-backed
 * ports, the MQTT adapter on the shared subscription, the acknowledgement key, and Micrometer
 * counters (one per reason code). Nothing in the pipeline knows about Quarkus.
 */
@ApplicationScoped
public class IngestService {
    private static final Logger LOG = Logger.getLogger(IngestService.class);

    @Inject
    GatewaySettings config;
    @Inject
    DeviceDirectory directory;
    @Inject
    MessageStore store;
    @Inject
    Quarantine quarantine;
    @Inject
    OperatorAlerts alerts;
    @Inject
    MeterRegistry meters;
    @Inject
    io.sensorproof.gateway.core.StatusSink statusSink;
    @Inject
    io.sensorproof.gateway.ops.IngestTelemetry telemetry;
    @Inject
    io.sensorproof.gateway.collateral.CollateralWatch collateralWatch;

    private final IngestMetrics metrics = new IngestMetrics();
    private final Clock clock = Clock.systemUTC();
    private SigningKey ackKey;
    private MessageStore storeForPipeline;
    private MqttIngestAdapter adapter;
    private io.sensorproof.gateway.core.StatusHandler statusHandler;
    private QuarantineQuota quota;
    private IngestAuditLog audit;

    /**
     * Starts MQTT ingestion first among the start-up observers (priority 1000; the default is 2500):
     * ingestion needs only the database and the broker, so a restarted gateway acknowledges again
     * without waiting for the chain check, the prover pool or other start-up work (ADR 040).
     */
    void start(@Observes @Priority(1000) StartupEvent event) {
        ensureCore();
        Optional<String> url = config.mqtt().url().filter(u -> !u.isBlank());
        if (url.isEmpty()) {
            LOG.warn("sensorproof.mqtt.url is not set: MQTT ingestion is off");
            return;
        }
        String clientId = config.mqtt().clientId().orElseGet(IngestService::defaultClientId);
        MqttIngestSettings settings = new MqttIngestSettings(url.get(), clientId, config.mqtt().shareGroup(),
                config.mqtt().receiveMaximum(), Math.max(1024, config.mqtt().receiveMaximum()), config.mqtt().batchMax(),
                config.mqtt().batchLinger(), config.mqtt().username().orElse(null),
                config.mqtt().password().map(String::toCharArray).orElse(null));
        try {
            adapter = new MqttIngestAdapter(settings, a -> pipeline(audit == null ? a.acknowledger() : audit.wrap(a.acknowledger(),
                    ackKey.verificationKey())), clock);
            adapter.handleStatus(statusHandler());
            bindAdapterMetrics(adapter);
            adapter.start();
        } catch (MqttException e) {
            throw new IllegalStateException("cannot connect to the MQTT broker at " + url.get() + ": " + e.getMessage(), e);
        }
        LOG.infof("MQTT ingestion started as %s on %s; acknowledgement key kid %s (JVM up %d ms)", clientId, url.get(),
                ackKey.verificationKey().kidHex(), java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime());
    }

    /**
     * A pipeline on the application's ports, counters, quarantine quota and acknowledgement key, with
     * the adapter's {@code acknowledger}: the MQTT and the CoAP adapters each get one, so a message
     * is checked, stored and quarantined the same way whichever way it came.
     */
    public IngestPipeline pipeline(Acknowledger acknowledger) {
        ensureCore();
        return IngestPipeline.builder()
                .directory(directory).store(storeForPipeline).quarantine(quarantine).alerts(alerts)
                .acknowledger(acknowledger).ackKey(ackKey).quota(quota).metrics(metrics).observer(telemetry)
                .settings(new IngestSettings(config.ingest().futureSkew(), config.ingest().lateAfter()))
                .clock(clock).build();
    }

    /** The verifier of status (heartbeat) messages, shared by the adapters. */
    public synchronized io.sensorproof.gateway.core.StatusHandler statusHandler() {
        if (statusHandler == null) {
            statusHandler = new io.sensorproof.gateway.core.StatusHandler(directory, statusSink);
        }
        return statusHandler;
    }

    /** Acknowledgement key, metrics, quota and (when configured) the audit log: once, whichever adapter asks first. */
    private synchronized void ensureCore() {
        if (ackKey != null) {
            return;
        }
        ackKey = loadAckKey();
        bindMetrics();
        // fails start-up when sensorproof.es256=native and the provider did not load
        LOG.infof("ES256 signatures verified and acknowledgements signed with %s (sensorproof.es256=%s)",
                Signatures.chooseEs256Engine(config.es256()), config.es256().name().toLowerCase(java.util.Locale.ROOT));
        MessageStore messages = store;
        if (config.ingest().auditLog()) {
            Path file = Path.of(config.dataDir(), IngestAuditLog.FILE_NAME);
            try {
                audit = IngestAuditLog.open(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open the ingest audit log " + file, e);
            }
            messages = audit.wrap(store);
            LOG.infof("ingest audit log: %s", file.toAbsolutePath());
        }
        // committed inserts go on to the rules (queued; evaluated off the ingest thread)
        storeForPipeline = collateralWatch.wrap(messages);
        quota = new QuarantineQuota(QuarantineQuota.Settings.defaults(), clock);
    }

    void stop(@Observes ShutdownEvent event) {
        if (adapter != null) {
            adapter.close();
        }
        if (audit != null) {
            audit.close();
        }
    }

    /** The public half of the acknowledgement key, which agents are configured with. */
    public VerificationKey ackKey() {
        ensureCore();
        return ackKey.verificationKey();
    }

    /** Counters of the pipeline. */
    public IngestMetrics metrics() {
        return metrics;
    }

    /** The adapter, when MQTT ingestion runs. */
    public Optional<MqttIngestAdapter> adapter() {
        return Optional.ofNullable(adapter);
    }

    private SigningKey loadAckKey() {
        Path file = config.ackKey().file().map(Path::of).orElse(Path.of(config.dataDir(), "gateway-ack-key.p8"));
        try {
            return AckKeyFile.loadOrCreate(file, AckKeyFile.algorithm(config.ackKey().alg()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void bindMetrics() {
        io.micrometer.core.instrument.Gauge.builder("sensorproof.ingest.es256.native", () -> Signatures.es256Native() ? 1 : 0)
                .description("1 when ES256 goes through the native engine (AWS-LC), 0 on BouncyCastle (ADR 062)").register(meters);
        for (Map.Entry<String, LongAdder> counter : metrics.counters().entrySet()) {
            String name = counter.getKey();
            if (name.startsWith(IngestMetrics.REJECTED_PREFIX)) {
                FunctionCounter.builder("sensorproof.ingest.rejected", counter.getValue(), LongAdder::doubleValue)
                        .tag("reason", name.substring(IngestMetrics.REJECTED_PREFIX.length()))
                        .description("messages refused, by reason code").register(meters);
            } else {
                FunctionCounter.builder("sensorproof.ingest." + name, counter.getValue(), LongAdder::doubleValue)
                        .register(meters);
            }
        }
    }

    private void bindAdapterMetrics(MqttIngestAdapter a) {
        io.micrometer.core.instrument.Gauge.builder("sensorproof.ingest.queue.depth", a, MqttIngestAdapter::queueDepth)
                .tag("transport", "mqtt").description("messages received and waiting for the pipeline").register(meters);
        io.micrometer.core.instrument.Gauge.builder("sensorproof.ingest.queue.capacity", a, MqttIngestAdapter::queueCapacity)
                .tag("transport", "mqtt").description("capacity of the queue between the transport and the pipeline").register(meters);
        FunctionCounter.builder("sensorproof.ingest.transport.received", a, MqttIngestAdapter::received)
                .tag("transport", "mqtt").description("messages (readings and status) received from the transport").register(meters);
        FunctionCounter.builder("sensorproof.mqtt.acknowledgements.held.back", a, MqttIngestAdapter::acknowledgementsHeldBack)
                .description("acknowledgements that waited for the broker's Receive Maximum before they could be published")
                .register(meters);
    }

    private static String defaultClientId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "host";
        }
        return ("gateway-" + host + "-" + ProcessHandle.current().pid()).replaceAll("[^A-Za-z0-9._-]", "-");
    }
}
