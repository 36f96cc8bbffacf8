package io.sensorproof.gateway.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorproof.gateway.core.webhooks.InMemoryWebhookOutbox;
import io.sensorproof.gateway.core.webhooks.WebhookEndpoint;
import io.sensorproof.gateway.core.webhooks.WebhookError;
import io.sensorproof.gateway.core.webhooks.WebhookException;
import io.sensorproof.gateway.core.webhooks.WebhookMessage;
import io.sensorproof.gateway.core.webhooks.WebhookSecret;
import io.sensorproof.gateway.core.webhooks.WebhookUrlPolicy;
import io.sensorproof.gateway.core.webhooks.WebhookUrlPolicy.OwnAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The endpoint rules without a database: tenancy of ids, URL policy, rotation overlap, requeue. */
class WebhookEndpointsTest {
    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");

    private final InMemoryWebhookOutbox store = new InMemoryWebhookOutbox();
    private final WebhookEndpoints endpoints = new WebhookEndpoints(store, store,
            new WebhookUrlPolicy(List.of(new OwnAddress("localhost", 8080))), new SecureRandom(),
            Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofHours(24));

    @Test
    void registersAnEnabledEndpointWithOneOpenEndedSecret() {
        WebhookEndpoints.WithSecret created = endpoints.register("bank-a", "https://bank.example/hooks");
        WebhookEndpoint e = created.endpoint();
        assertThat(e.tenant()).isEqualTo("bank-a");
        assertThat(e.enabled()).isTrue();
        assertThat(e.secrets()).extracting(WebhookSecret::value).containsExactly(created.secret());
        assertThat(e.secrets().get(0).openEnded()).isTrue();
        assertThat(store.endpoint(e.id())).contains(e);
    }

    @Test
    void refusesTheGatewaysOwnPortWithThePolicysCode() {
        assertThatThrownBy(() -> endpoints.register("bank-a", "http://127.0.0.1:8080/api/v1/tenants"))
                .isInstanceOfSatisfying(WebhookException.class, x -> assertThat(x.code()).isEqualTo(WebhookError.URL_SELF));
        assertThat(store.endpoints("bank-a")).isEmpty();
    }

    @Test
    void anotherTenantsEndpointIsNotFound() {
        String id = endpoints.register("bank-a", "https://bank.example/hooks").endpoint().id();
        assertThatThrownBy(() -> endpoints.get("bank-b", id))
                .isInstanceOfSatisfying(WebhookEndpoints.Refusal.class, r -> assertThat(r.code()).isEqualTo(WebhookEndpoints.NOT_FOUND));
        assertThatThrownBy(() -> endpoints.setEnabled("bank-b", id, false)).isInstanceOf(WebhookEndpoints.Refusal.class);
        assertThatThrownBy(() -> endpoints.rotate("bank-b", id)).isInstanceOf(WebhookEndpoints.Refusal.class);
        assertThat(endpoints.get("bank-a", id).enabled()).isTrue();
    }

    @Test
    void rotationKeepsTheOldSecretSigningForTheOverlapOnly() {
        WebhookEndpoints.WithSecret created = endpoints.register("bank-a", "https://bank.example/hooks");
        WebhookEndpoints.WithSecret rotated = endpoints.rotate("bank-a", created.endpoint().id());
        WebhookEndpoint e = endpoints.get("bank-a", created.endpoint().id());
        assertThat(e.signingSecrets(NOW.plus(Duration.ofHours(23)))).extracting(WebhookSecret::value)
                .containsExactlyInAnyOrder(created.secret(), rotated.secret());
        assertThat(e.signingSecrets(NOW.plus(Duration.ofHours(24)))).extracting(WebhookSecret::value)
                .containsExactly(rotated.secret());
    }

    @Test
    void onlyADeadDeliveryIsRequeued() {
        String id = endpoints.register("bank-a", "https://bank.example/hooks").endpoint().id();
        store.enqueue(new WebhookMessage(id, "alert-event-1", "{}".getBytes(StandardCharsets.UTF_8), NOW));
        assertThatThrownBy(() -> endpoints.requeue("bank-a", id, "alert-event-1")).isInstanceOfSatisfying(
                WebhookEndpoints.Refusal.class, r -> assertThat(r.code()).isEqualTo(WebhookEndpoints.DELIVERY_NOT_DEAD));
        assertThatThrownBy(() -> endpoints.requeue("bank-a", id, "alert-event-2")).isInstanceOfSatisfying(
                WebhookEndpoints.Refusal.class, r -> assertThat(r.code()).isEqualTo(WebhookEndpoints.DELIVERY_NOT_FOUND));
    }
}
