package io.sensorproof.gateway.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.sensorproof.gateway.EmbeddedPostgresTestResource;
import io.sensorproof.gateway.security.ApiKeySecrets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Generated from the OpenAPI document: every operation it lists must refuse a request without a
 * key and with an unknown key, so no endpoint (including ones added later) is left unprotected;
 * and the document declares the bearer scheme as a global requirement.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresTestResource.class)
class OpenApiSecurityIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");

    @Test
    void declaresTheBearerSchemeForEveryOperation() throws Exception {
        JsonNode doc = openApi();
        JsonNode scheme = doc.path("components").path("securitySchemes").path(ApiDocumentationFilter.SECURITY_SCHEME);
        assertThat(scheme.path("type").asText()).isEqualTo("http");
        assertThat(scheme.path("scheme").asText()).isEqualTo("bearer");
        assertThat(doc.path("security").toString()).contains(ApiDocumentationFilter.SECURITY_SCHEME);
        for (Operation op : operations(doc)) {
            // an operation-level "security: []" switches authentication off in the document: only the
            // enrollment exchange (authenticated by its one-time token) may do that
            assertThat(op.node().has("security") && op.node().path("security").isEmpty())
                    .as(op + " opts out of security").isEqualTo(ApiDocumentationFilter.PUBLIC_PATHS.contains(op.path())
                            || ApiDocumentationFilter.PUBLIC_PKI_PATHS.contains(op.path()));
            if (ApiDocumentationFilter.PUBLIC_PKI_PATHS.contains(op.path())) {
                // no credential at all (ADR 039): neither 401 nor 403 can happen
                continue;
            }
            assertThat(op.node().path("responses").has("401")).as(op + " documents 401").isTrue();
            assertThat(op.node().path("responses").has("403")).as(op + " documents 403").isTrue();
        }
    }

    @Test
    void listsEveryEndpointOfTheApi() throws Exception {
        Set<String> listed = new TreeSet<>();
        for (Operation op : operations(openApi())) {
            listed.add(op.method().toUpperCase() + " " + op.path());
        }
        assertThat(listed).contains(
                "POST /api/v1/api-keys", "GET /api/v1/api-keys", "DELETE /api/v1/api-keys/{id}",
                "POST /api/v1/tenants", "GET /api/v1/tenants", "GET /api/v1/tenants/{id}",
                "POST /api/v1/tenants/{tenant}/devices", "GET /api/v1/tenants/{tenant}/devices",
                "GET /api/v1/tenants/{tenant}/devices/{deviceId}", "PATCH /api/v1/tenants/{tenant}/devices/{deviceId}",
                "GET /api/v1/devices/{deviceId}/readings", "GET /api/v1/devices/{deviceId}/messages",
                "GET /api/v1/devices/{deviceId}/messages/{boot}/{seq}",
                "GET /api/v1/devices/{deviceId}/readings/{boot}/{seq}/{recordIndex}/inclusion-proof",
                "GET /api/v1/quarantine", "GET /api/v1/quarantine/{id}", "GET /api/v1/alerts",
                "GET /api/v1/devices/{deviceId}/status", "GET /api/v1/gateway/ack-key",
                "POST /api/v1/enroll", "POST /api/v1/tenants/{tenant}/devices/{deviceId}/enrollment-tokens",
                "GET /api/v1/tenants/{tenant}/devices/{deviceId}/certificates", "GET /api/v1/gateway/device-ca",
                "POST /api/v1/gateway/device-ca/rotations",
                "POST /api/v1/tenants/{tenant}/sites", "GET /api/v1/tenants/{tenant}/sites",
                "GET /api/v1/tenants/{tenant}/sites/{siteId}", "POST /api/v1/tenants/{tenant}/grants",
                "GET /api/v1/tenants/{tenant}/grants", "GET /api/v1/tenants/{tenant}/grants/{grantId}",
                "DELETE /api/v1/tenants/{tenant}/grants/{grantId}", "GET /api/v1/audit",
                "PUT /api/v1/tenants/{tenant}/devices/{deviceId}/transport-key",
                "GET /api/v1/tenants/{tenant}/devices/{deviceId}/transport-key",
                "DELETE /api/v1/tenants/{tenant}/devices/{deviceId}/transport-key",
                "POST /api/v1/lots", "GET /api/v1/lots", "GET /api/v1/lots/{lotId}", "PUT /api/v1/lots/{lotId}/terms",
                "POST /api/v1/lots/{lotId}/close", "POST /api/v1/emission-facilities", "GET /api/v1/emission-facilities",
                "GET /api/v1/emission-facilities/{facilityId}", "PUT /api/v1/emission-facilities/{facilityId}/terms",
                "GET /api/v1/collateral-alerts", "GET /api/v1/collateral-alerts/{alertId}",
                "POST /api/v1/collateral-alerts/{alertId}/acknowledge", "GET /api/v1/collateral-alerts/stream",
                "POST /api/v1/tenants/{tenant}/webhooks", "GET /api/v1/tenants/{tenant}/webhooks",
                "GET /api/v1/tenants/{tenant}/webhooks/{id}", "POST /api/v1/tenants/{tenant}/webhooks/{id}/rotate-secret",
                "POST /api/v1/tenants/{tenant}/webhooks/{id}/enable", "POST /api/v1/tenants/{tenant}/webhooks/{id}/disable",
                "GET /api/v1/tenants/{tenant}/webhooks/{id}/deliveries",
                "POST /api/v1/tenants/{tenant}/webhooks/{id}/deliveries/{eventId}/requeue",
                "GET /api/v1/lots/{lotId}/chain-events", "GET /api/v1/emission-facilities/{facilityId}/credits",
                "GET /api/v1/lots/{lotId}/freezes",
                "GET /api/v1/emission-facilities/{facilityId}/periods/{periodId}/verification-bundle",
                "GET /api/v1/lots/{lotId}/freezes/{freezeId}/evidence-bundle",
                "GET /api/v1/claims", "GET /api/v1/claims/{claimId}/audit", "GET /api/v1/claims/{claimId}/audit-bundle",
                "GET /api/v1/gateway/device-ca/crl", "GET /api/v1/gateway/device-ca/crls.pem",
                "GET /api/v1/gateway/device-ca/certificates.pem",
                "GET /api/v1/session");
    }

    @Test
    void everyListedOperationRefusesRequestsWithoutAValidKey() throws Exception {
        String unknownKey = ApiKeySecrets.generate(new SecureRandom());
        List<Operation> operations = operations(openApi());
        assertThat(operations).isNotEmpty();
        for (Operation op : operations) {
            if (ApiDocumentationFilter.PUBLIC_PATHS.contains(op.path()) || ApiDocumentationFilter.PUBLIC_PKI_PATHS.contains(op.path())) {
                continue;
            }
            String path = op.path().replaceAll("\\{[^}]+}", "1");
            assertThat(op.path()).as("every API path is under /api/v1").startsWith("/api/v1/");
            Response anonymous = given().contentType("application/json").body("{}").request(op.method(), path);
            assertThat(anonymous.statusCode()).as(op + " without a key").isEqualTo(401);
            assertThat(anonymous.jsonPath().getString("code")).as(op.toString()).isEqualTo("UNAUTHENTICATED");
            Response unknown = given().header("Authorization", "Bearer " + unknownKey)
                    .contentType("application/json").body("{}").request(op.method(), path);
            assertThat(unknown.statusCode()).as(op + " with an unknown key").isEqualTo(401);
        }
    }

    @Test
    void theEnrollmentExchangeRefusesARequestWithoutAValidToken() {
        Response noToken = given().contentType("application/json").body("{}").post("/api/v1/enroll");
        assertThat(noToken.statusCode()).isEqualTo(400);
        assertThat(noToken.jsonPath().getString("code")).isEqualTo("MALFORMED_REQUEST");
        String unknown = "et1." + "A".repeat(43) + "." + "0".repeat(64);
        Response unknownToken = given().contentType("application/json")
                .body(Map.of("token", unknown, "csr", io.sensorproof.protocol.enroll.CertificateRequests.create(
                        io.sensorproof.protocol.cose.Keys.generate(io.sensorproof.protocol.cose.SignatureAlgorithm.ES256, new SecureRandom()), "x")))
                .post("/api/v1/enroll");
        assertThat(unknownToken.statusCode()).isEqualTo(401);
        assertThat(unknownToken.jsonPath().getString("code")).isEqualTo("UNKNOWN_TOKEN");
    }

    private record Operation(String method, String path, JsonNode node) {
        @Override
        public String toString() {
            return method.toUpperCase() + " " + path;
        }
    }

    private static List<Operation> operations(JsonNode doc) {
        List<Operation> operations = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                if (METHODS.contains(op.getKey())) {
                    operations.add(new Operation(op.getKey(), path.getKey(), op.getValue()));
                }
            }
        }
        return operations;
    }

    private static JsonNode openApi() throws Exception {
        String body = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract().asString();
        return JSON.readTree(body);
    }
}
