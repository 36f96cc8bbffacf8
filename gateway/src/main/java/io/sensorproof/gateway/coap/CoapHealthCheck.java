package io.sensorproof.gateway.coap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Readiness of the CoAP endpoint: UP while the DTLS endpoint runs (or CoAP is switched off), with its port and queue depth. */
@Readiness
@ApplicationScoped
public class CoapHealthCheck implements HealthCheck {
    @Inject
    CoapConfig config;
    @Inject
    CoapService service;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("coap").withData("enabled", config.enabled());
        if (!config.enabled()) {
            return b.up().build();
        }
        return service.adapter().map(a -> {
            b.withData("port", a.address().getPort()).withData("queueDepth", a.ingest().queueDepth())
                    .withData("queueCapacity", a.settings().queueCapacity());
            return (a.isRunning() ? b.up() : b.down()).build();
        }).orElseGet(() -> b.down().withData("reason", "not started").build());
    }
}
