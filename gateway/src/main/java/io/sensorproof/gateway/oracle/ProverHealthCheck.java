package io.sensorproof.gateway.oracle;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Locale;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness {@code prover}: UP once the workers run and the self-check proof verified (or when the
 * prover is switched off), with the workers' pids, queue, restarts and engine; DOWN with the current start
 * step, or the reason it failed.
 */
@Readiness
@ApplicationScoped
public class ProverHealthCheck implements HealthCheck {
    @Inject
    ProverPool prover;

    @Override
    public HealthCheckResponse call() {
        ProverPool.Status s = prover.status();
        HealthCheckResponseBuilder b = HealthCheckResponse.named("prover").withData("enabled", prover.enabled())
                .withData("state", s.state().name()).withData("detail", s.detail());
        switch (s.state()) {
            case DISABLED:
                return b.up().build();
            case READY:
                var client = prover.client();
                s.selfCheck().ifPresent(d -> b.withData("selfCheckMillis", d.toMillis()));
                return b.withData("workers", client.workerPids().toString()).withData("queued", client.queued())
                        .withData("restarts", client.restarts()).withData("engine", client.engine().name().toLowerCase(Locale.ROOT))
                        .up().build();
            default:
                return b.down().build();
        }
    }
}
