package io.sensorproof.gateway.core.webhooks;

import java.util.List;
import java.util.Optional;

/**
 * Registered endpoints with their secrets (port). Validation (URL policy, tenancy) is the caller's;
 * the store keeps what it is given.
 */
public interface WebhookEndpointStore {
    /** Inserts or replaces the endpoint, its enabled flag and its whole set of secrets. */
    void save(WebhookEndpoint endpoint);

    /** The endpoint with this id. */
    Optional<WebhookEndpoint> endpoint(String id);

    /** A tenant's endpoints, by id. */
    List<WebhookEndpoint> endpoints(String tenant);
}
