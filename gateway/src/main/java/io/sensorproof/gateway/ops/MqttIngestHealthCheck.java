package io.sensorproof.gateway.ops;

import io.sensorproof.gateway.core.mqtt.MqttIngestAdapter;
import io.sensorproof.gateway.ingest.IngestService;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of MQTT ingestion: connected to the broker (and subscribed), with the depth of the
 * queue between the MQTT callback and the pipeline. Up with {@code enabled=false} when MQTT
 * ingestion is switched off on purpose ({@code sensorproof.mqtt.url} not set).
 */
@Readiness
@ApplicationScoped
public class MqttIngestHealthCheck implements HealthCheck {
    static final String NAME = "mqtt-broker";

    private final IngestService ingest;

    MqttIngestHealthCheck(IngestService ingest) {
        this.ingest = ingest;
    }

    @Override
    public HealthCheckResponse call() {
        Optional<MqttIngestAdapter> adapter = ingest.adapter();
        if (adapter.isEmpty()) {
            return HealthCheckResponse.named(NAME).up().withData("enabled", false).build();
        }
        MqttIngestAdapter a = adapter.get();
        HealthCheckResponseBuilder builder = HealthCheckResponse.named(NAME)
                .withData("enabled", true)
                .withData("connected", a.isConnected())
                .withData("queue", a.queueDepth())
                .withData("queueCapacity", a.queueCapacity())
                .withData("received", a.received())
                .withData("processed", a.processed());
        return (a.isConnected() ? builder.up() : builder.down()).build();
    }
}
