package io.sensorproof.gateway.webhooks;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** The relay and the dispatcher running in the gateway (off in the plain test profile), polling every 100 ms. */
public class WebhooksEnabledProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("sensorproof.webhooks.enabled", "true", "sensorproof.webhooks.poll-interval", "100ms",
                "sensorproof.webhooks.request-timeout", "3s");
    }
}
