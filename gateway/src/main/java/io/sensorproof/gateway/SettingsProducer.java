package io.sensorproof.gateway;

import io.sensorproof.gateway.coap.CoapConfig;
import io.sensorproof.gateway.persistence.PersistenceSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/**
 * Makes the groups of {@link GatewaySettings} that adapters take on their own injectable, so that
 * the settings stay declared in one mapping while the PostgreSQL adapters and the CoAP wiring
 * keep their narrow settings types.
 */
@ApplicationScoped
public class SettingsProducer {

    @Produces
    PersistenceSettings persistence(GatewaySettings settings) {
        return settings.persistence();
    }

    @Produces
    CoapConfig coap(GatewaySettings settings) {
        return settings.coap();
    }
}
