package io.sensorproof.gateway.webhooks;

import static io.sensorproof.gateway.security.TenancyWorld.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.sensorproof.gateway.EmbeddedPostgresTestResource;
import io.sensorproof.gateway.core.webhooks.WebhookSecret;
import io.sensorproof.gateway.security.OperatorKey;
import io.sensorproof.gateway.security.TenancyTestSupport;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The webhook endpoints API on a real PostgreSQL: registration answers the secret once (reads never
 * show it), refuses the gateway's own port with {@code URL_SELF}, rotation adds a secret and ends the
 * old one after the overlap, disable/enable, the delivery history, requeue of a dead delivery only,
 * another tenant's key is refused, and every change is audited.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresTestResource.class)
class WebhookEndpointsIT extends TenancyTestSupport {
    @ConfigProperty(name = "quarkus.http.test-port")
    int gatewayPort;

    WebhookEndpointsIT() {
        super("wep-");
    }

    private String base() {
        return "/api/v1/tenants/" + world.bank + "/webhooks";
    }

    @Test
    void registersWithASecretShownOnceRotatesWithOverlapAndAudits() {
        JsonPath created = as(world.bankKey).contentType(ContentType.JSON).body(Map.of("url", "https://bank.example/hooks"))
                .post(base()).then().statusCode(201).extract().jsonPath();
        String id = created.getString("endpoint.id");
        String secret = created.getString("secret");
        assertThat(WebhookSecret.decodeKey(secret)).hasSize(WebhookSecret.GENERATED_KEY_BYTES);
        assertThat(created.getBoolean("endpoint.enabled")).isTrue();

        String read = as(world.bankKey).get(base() + "/" + id).then().statusCode(200).extract().asString();
        assertThat(read).contains(id).doesNotContain(secret).doesNotContain("whsec_");
        assertThat(as(world.bankKey).get(base()).then().statusCode(200).extract().asString()).contains(id)
                .doesNotContain(secret);

        Instant beforeRotation = Instant.now();
        JsonPath rotated = as(world.bankKey).post(base() + "/" + id + "/rotate-secret").then().statusCode(200)
                .extract().jsonPath();
        String next = rotated.getString("secret");
        assertThat(next).startsWith("whsec_").isNotEqualTo(secret);
        List<String> untils = rotated.getList("endpoint.secrets.validUntil");
        assertThat(untils).hasSize(2).containsOnlyOnce((String) null);
        Instant oldEnds = Instant.parse(untils.stream().filter(u -> u != null).findFirst().orElseThrow());
        assertThat(oldEnds).as("the old secret signs for the 24 h overlap")
                .isBetween(beforeRotation.plus(Duration.ofHours(24)).minusSeconds(5), Instant.now().plus(Duration.ofHours(24)));

        as(world.bankKey).post(base() + "/" + id + "/disable").then().statusCode(200).body("enabled", equalTo(false));
        as(world.bankKey).post(base() + "/" + id + "/enable").then().statusCode(200).body("enabled", equalTo(true));

        List<String> actions = OperatorKey.authorized().queryParam("tenant", world.bank).queryParam("limit", 1000)
                .get("/api/v1/audit").then().statusCode(200).extract().jsonPath().getList("items.action");
        assertThat(actions).contains("WEBHOOK_ENDPOINT_REGISTERED", "WEBHOOK_SECRET_ROTATED", "WEBHOOK_ENDPOINT_DISABLED",
                "WEBHOOK_ENDPOINT_ENABLED");
    }

    @Test
    void refusesTheGatewaysOwnPortOtherSchemesAndOtherTenantsKeys() {
        as(world.bankKey).contentType(ContentType.JSON).body(Map.of("url", "http://localhost:" + gatewayPort + "/api/v1/tenants"))
                .post(base()).then().statusCode(400).body("code", equalTo("URL_SELF"));
        as(world.bankKey).contentType(ContentType.JSON).body(Map.of("url", "http://127.0.0.1:" + gatewayPort + "/q/health"))
                .post(base()).then().statusCode(400).body("code", equalTo("URL_SELF"));
        as(world.bankKey).contentType(ContentType.JSON).body(Map.of("url", "ftp://bank.example/x"))
                .post(base()).then().statusCode(400).body("code", equalTo("URL_SCHEME"));
        as(world.bankKey).contentType(ContentType.JSON).body(Map.of("url", "http://169.254.169.254/latest"))
                .post(base()).then().statusCode(400).body("code", equalTo("URL_LINK_LOCAL"));
        String id = as(world.bankKey).contentType(ContentType.JSON).body(Map.of("url", "https://bank.example/own"))
                .post(base()).then().statusCode(201).extract().path("endpoint.id");
        // bank2's key: not its tenant
        as(world.bank2Key).get(base()).then().statusCode(403).body("code", equalTo("FORBIDDEN"));
        as(world.bank2Key).post(base() + "/" + id + "/disable").then().statusCode(403);
        // bank2 registering under its own tenant cannot reach the bank's endpoint by id
        as(world.bank2Key).get("/api/v1/tenants/" + world.bank2 + "/webhooks/" + id).then().statusCode(404)
                .body("code", equalTo("WEBHOOK_ENDPOINT_NOT_FOUND"));
        OperatorKey.authorized().contentType(ContentType.JSON).body(Map.of("url", "https://bank.example/x"))
                .post("/api/v1/tenants/no-such-tenant/webhooks").then().statusCode(404).body("code", equalTo("TENANT_NOT_FOUND"));
    }

    @Test
    void theHistoryShowsAttemptsAndOnlyADeadDeliveryIsRequeued() throws Exception {
        String id = as(world.bankKey).contentType(ContentType.JSON).body(Map.of("url", "https://bank.example/history"))
                .post(base()).then().statusCode(201).extract().path("endpoint.id");
        try (Connection c = db.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO webhook_deliveries (endpoint_id, event_id, body, state,"
                    + " attempts, enqueued_at, next_attempt_at, last_status) VALUES (?, ?, '\\x7b7d', ?, 1, now(), now(), 404)"
                    + " RETURNING id")) {
                for (String[] row : List.of(new String[] {"dead-1", "DEAD"}, new String[] {"pending-1", "PENDING"})) {
                    ps.setString(1, id);
                    ps.setString(2, row[0]);
                    ps.setString(3, row[1]);
                    ps.execute();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO webhook_attempts (delivery_id, attempt, endpoint_id,"
                    + " event_id, started_at, latency_ms, status, error, detail, state_after) SELECT id, 1, endpoint_id, event_id,"
                    + " now(), 12, 404, 'HTTP_STATUS', 'not found', 'DEAD' FROM webhook_deliveries WHERE endpoint_id = ? AND event_id = 'dead-1'")) {
                ps.setString(1, id);
                ps.execute();
            }
        }
        JsonPath history = as(world.bankKey).get(base() + "/" + id + "/deliveries").then().statusCode(200).extract().jsonPath();
        assertThat(history.getList("items.eventId")).containsExactly("dead-1");
        assertThat(history.getInt("items[0].status")).isEqualTo(404);
        assertThat(history.getString("items[0].stateAfter")).isEqualTo("DEAD");

        as(world.bankKey).post(base() + "/" + id + "/deliveries/pending-1/requeue").then().statusCode(409)
                .body("code", equalTo("WEBHOOK_DELIVERY_NOT_DEAD"));
        as(world.bankKey).post(base() + "/" + id + "/deliveries/nothing/requeue").then().statusCode(404)
                .body("code", equalTo("WEBHOOK_DELIVERY_NOT_FOUND"));
        as(world.bankKey).post(base() + "/" + id + "/deliveries/dead-1/requeue").then().statusCode(200)
                .body("state", equalTo("PENDING")).body("attempts", equalTo(1));
        assertThat(OperatorKey.authorized().queryParam("tenant", world.bank).queryParam("limit", 1000)
                .get("/api/v1/audit").then().statusCode(200).extract().jsonPath().getList("items.action", String.class))
                .contains("WEBHOOK_DELIVERY_REQUEUED");
    }
}
