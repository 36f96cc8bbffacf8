package io.sensorproof.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import io.sensorproof.gateway.EmbeddedPostgresTestResource;
import io.sensorproof.gateway.core.RegisteredDevice;
import io.sensorproof.gateway.persistence.PgDeviceDirectory;
import io.sensorproof.gateway.security.OperatorKey;
import io.sensorproof.protocol.cose.Keys;
import io.sensorproof.protocol.cose.SignatureAlgorithm;
import io.sensorproof.protocol.cose.VerificationKey;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tenants and devices through the API, with real keys of every algorithm. */
@QuarkusTest
@WithTestResource(EmbeddedPostgresTestResource.class)
class RegistryIT {
    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    PgDeviceDirectory directory;

    @Test
    void createsListsAndReadsTenants() {
        createTenant("reg-t1", "Registry One").statusCode(201)
                .header("Location", org.hamcrest.Matchers.endsWith("/api/v1/tenants/reg-t1"))
                .body("id", equalTo("reg-t1")).body("name", equalTo("Registry One")).body("createdAt", notNullValue());
        OperatorKey.authorized().get("/api/v1/tenants/reg-t1").then().statusCode(200).body("name", equalTo("Registry One"));
        OperatorKey.authorized().get("/api/v1/tenants?limit=1000").then().statusCode(200)
                .body("items.id", org.hamcrest.Matchers.hasItem("reg-t1"));
    }

    @Test
    void duplicateTenantIsAConflict() {
        createTenant("reg-dup", "first").statusCode(201);
        createTenant("reg-dup", "second").statusCode(409).body("code", equalTo("TENANT_EXISTS"))
                .body("details.tenant", equalTo("reg-dup"));
    }

    @Test
    void invalidTenantRequestsAreBadRequests() {
        createTenant("Reg_Upper", "x").statusCode(400).body("code", equalTo("INVALID_IDENTIFIER"));
        createTenant("reg-noname", " ").statusCode(400).body("code", equalTo("INVALID_REQUEST"))
                .body("details.field", equalTo("name"));
        // a misspelt field (tenantId for id) binds as no id at all: the error names the missing field, not "tenant id 'null'"
        OperatorKey.authorized().contentType(ContentType.JSON).body(Map.of("tenantId", "reg-misspelt", "name", "x"))
                .post("/api/v1/tenants").then().statusCode(400).body("code", equalTo("INVALID_REQUEST"))
                .body("details.field", equalTo("id")).body("message", org.hamcrest.Matchers.startsWith("id is required"));
        OperatorKey.authorized().contentType(ContentType.JSON).body("{not json").post("/api/v1/tenants")
                .then().statusCode(400).body("code", notNullValue()).body("message", notNullValue());
    }

    @Test
    void tenantListPagesWithoutGapsOrDuplicates() {
        for (int i = 0; i < 5; i++) {
            createTenant("reg-page-" + i, "page " + i).statusCode(201);
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            JsonPath page = OperatorKey.authorized().queryParam("limit", 2)
                    .queryParams(cursor == null ? Map.of() : Map.of("cursor", cursor))
                    .get("/api/v1/tenants").then().statusCode(200).extract().jsonPath();
            assertThat(page.getList("items")).hasSizeLessThanOrEqualTo(2);
            seen.addAll(page.getList("items.id", String.class));
            cursor = page.getString("nextCursor");
        } while (cursor != null);
        assertThat(seen).doesNotHaveDuplicates().isSorted()
                .contains("reg-page-0", "reg-page-1", "reg-page-2", "reg-page-3", "reg-page-4");
    }

    @Test
    void registersDevicesOfEveryAlgorithmWithDerivedAlgKidAndTopics() {
        createTenant("reg-algs", "Algorithms").statusCode(201);
        for (SignatureAlgorithm alg : SignatureAlgorithm.values()) {
            VerificationKey key = Keys.generate(alg, RANDOM).verificationKey();
            String device = "alg-" + alg.name().toLowerCase().replace('_', '-');
            registerDevice("reg-algs", device, spki(key)).statusCode(201)
                    .header("Location", org.hamcrest.Matchers.endsWith("/api/v1/tenants/reg-algs/devices/" + device))
                    .body("deviceId", equalTo(device))
                    .body("tenantId", equalTo("reg-algs"))
                    .body("alg", equalTo(alg.label()))
                    .body("kid", equalTo(key.kidHex()))
                    .body("publicKey", equalTo(spki(key)))
                    .body("status", equalTo("ACTIVE"))
                    .body("createdAt", notNullValue())
                    .body("topics.up", equalTo("t/reg-algs/d/" + device + "/up"))
                    .body("topics.ack", equalTo("t/reg-algs/d/" + device + "/ack"))
                    .body("topics.status", equalTo("t/reg-algs/d/" + device + "/status"));
            OperatorKey.authorized().get("/api/v1/tenants/reg-algs/devices/" + device).then().statusCode(200)
                    .body("kid", equalTo(key.kidHex())).body("alg", equalTo(alg.label()));
        }
        OperatorKey.authorized().get("/api/v1/tenants/reg-algs/devices").then().statusCode(200)
                .body("items.size()", equalTo(SignatureAlgorithm.values().length)).body("nextCursor", equalTo(null));
    }

    @Test
    void registersAHybridDeviceWhoseDirectoryEntryCarriesBothKeys() {
        createTenant("reg-hybrid", "Hybrid").statusCode(201);
        VerificationKey classical = Keys.generate(SignatureAlgorithm.EDDSA, RANDOM).verificationKey();
        VerificationKey pq = Keys.generate(SignatureAlgorithm.ML_DSA_65, RANDOM).verificationKey();
        registerHybrid("reg-hybrid", "reg-hybrid-1", spki(classical), spki(pq)).statusCode(201)
                .body("kid", equalTo(classical.kidHex())).body("alg", equalTo("EdDSA"));
        RegisteredDevice found = directory.byKid(classical.kid()).orElseThrow();
        assertThat(found.deviceId()).isEqualTo("reg-hybrid-1");
        assertThat(found.postQuantumKey()).contains(pq);
        assertThat(directory.byKid(pq.kid())).isEmpty();

        // the ML-DSA key of a group cannot be registered again, neither as a partner nor as a signing key
        registerHybrid("reg-hybrid", "reg-hybrid-2", spki(newKey()), spki(pq)).statusCode(409)
                .body("code", equalTo("KEY_ALREADY_REGISTERED")).body("details.kid", equalTo(pq.kidHex()));
        registerDevice("reg-hybrid", "reg-hybrid-3", spki(pq)).statusCode(409).body("code", equalTo("KEY_ALREADY_REGISTERED"));
        // pairs other than classical + ML-DSA are refused
        VerificationKey otherPq = Keys.generate(SignatureAlgorithm.ML_DSA_44, RANDOM).verificationKey();
        registerHybrid("reg-hybrid", "reg-hybrid-4", spki(otherPq), spki(otherPq)).statusCode(400).body("code", equalTo("INVALID_REQUEST"));
        registerHybrid("reg-hybrid", "reg-hybrid-5", spki(Keys.generate(SignatureAlgorithm.SM2_SM3, RANDOM).verificationKey()),
                spki(otherPq)).statusCode(400).body("code", equalTo("INVALID_REQUEST"));
        registerHybrid("reg-hybrid", "reg-hybrid-6", spki(newKey()), spki(newKey())).statusCode(400).body("code", equalTo("INVALID_REQUEST"));
        OperatorKey.authorized().get("/api/v1/tenants/reg-hybrid/devices").then().statusCode(200).body("items.size()", equalTo(1));
    }

    @Test
    void duplicateDeviceIdIsAConflictAcrossTenants() {
        createTenant("reg-dev-a", "A").statusCode(201);
        createTenant("reg-dev-b", "B").statusCode(201);
        registerDevice("reg-dev-a", "reg-shared-id", spki(newKey())).statusCode(201);
        registerDevice("reg-dev-a", "reg-shared-id", spki(newKey())).statusCode(409)
                .body("code", equalTo("DEVICE_EXISTS")).body("details.device", equalTo("reg-shared-id"));
        registerDevice("reg-dev-b", "reg-shared-id", spki(newKey())).statusCode(409)
                .body("code", equalTo("DEVICE_EXISTS"));
    }

    @Test
    void alreadyRegisteredKeyIsAConflict() {
        createTenant("reg-kid", "Kid").statusCode(201);
        VerificationKey key = newKey();
        registerDevice("reg-kid", "reg-kid-1", spki(key)).statusCode(201);
        registerDevice("reg-kid", "reg-kid-2", spki(key)).statusCode(409)
                .body("code", equalTo("KEY_ALREADY_REGISTERED")).body("details.kid", equalTo(key.kidHex()));
    }

    @Test
    void invalidDeviceRequestsAreBadRequestsWithStableCodes() {
        createTenant("reg-bad", "Bad").statusCode(201);
        registerDevice("reg-bad", "Has Space", spki(newKey())).statusCode(400).body("code", equalTo("INVALID_IDENTIFIER"));
        registerDevice("reg-bad", "reg-bad-1", "***not base64***").statusCode(400).body("code", equalTo("INVALID_KEY"));
        registerDevice("reg-bad", "reg-bad-2", Base64.getEncoder().encodeToString(new byte[] {0x30, 0x03, 1, 2, 3}))
                .statusCode(400).body("code", equalTo("INVALID_KEY"));
        registerDevice("reg-bad", "reg-bad-3", "").statusCode(400).body("code", equalTo("INVALID_KEY"));
        // a misspelt field name leaves deviceId out: the error names the missing field instead of "device id 'null'"
        OperatorKey.authorized().contentType(ContentType.JSON).body(Map.of("device_id", "reg-bad-5", "publicKey", spki(newKey())))
                .post("/api/v1/tenants/reg-bad/devices").then().statusCode(400).body("code", equalTo("INVALID_REQUEST"))
                .body("details.field", equalTo("deviceId")).body("message", org.hamcrest.Matchers.startsWith("deviceId is required"));
        registerDevice("reg-missing-tenant", "reg-bad-4", spki(newKey())).statusCode(404)
                .body("code", equalTo("TENANT_NOT_FOUND"));
        OperatorKey.authorized().get("/api/v1/tenants/reg-bad/devices/no-such-device").then().statusCode(404)
                .body("code", equalTo("DEVICE_NOT_FOUND"));
    }

    @Test
    void deviceWithoutAKeyWaitsForEnrollmentAndItsTokenIsShownOnce() {
        createTenant("reg-pending", "Pending").statusCode(201);
        JsonPath created = registerDevice("reg-pending", "reg-pending-1", null).statusCode(201).extract().jsonPath();
        assertThat(created.getString("kid")).isNull();
        assertThat(created.getString("publicKey")).isNull();
        assertThat(created.getString("status")).isEqualTo("ACTIVE");
        assertThat(created.getString("enrollment.token")).startsWith("et1.");
        assertThat(created.getString("enrollment.deviceId")).isEqualTo("reg-pending-1");
        assertThat(created.getString("enrollment.expiresAt")).isNotBlank();
        JsonPath read = OperatorKey.authorized().get("/api/v1/tenants/reg-pending/devices/reg-pending-1").then().statusCode(200)
                .extract().jsonPath();
        assertThat(read.getString("kid")).isNull();
        assertThat(read.getString("enrollment")).as("the token is shown only at creation").isNull();
        registerDevice("reg-pending", "reg-pending-1", null).statusCode(409).body("code", equalTo("DEVICE_EXISTS"));
        registerDevice("reg-no-tenant", "reg-pending-2", null).statusCode(404).body("code", equalTo("TENANT_NOT_FOUND"));
    }

    @Test
    void deviceOfAnotherTenantIsNotFound() {
        createTenant("reg-own-a", "A").statusCode(201);
        createTenant("reg-own-b", "B").statusCode(201);
        registerDevice("reg-own-a", "reg-own-dev", spki(newKey())).statusCode(201);
        OperatorKey.authorized().get("/api/v1/tenants/reg-own-b/devices/reg-own-dev").then().statusCode(404)
                .body("code", equalTo("DEVICE_NOT_FOUND"));
        patchStatus("reg-own-b", "reg-own-dev", "SUSPENDED").statusCode(404);
    }

    @Test
    void statusChangesAndRevocationIsFinal() {
        createTenant("reg-status", "Status").statusCode(201);
        registerDevice("reg-status", "reg-status-1", spki(newKey())).statusCode(201);
        patchStatus("reg-status", "reg-status-1", "SUSPENDED").statusCode(200).body("status", equalTo("SUSPENDED"));
        OperatorKey.authorized().get("/api/v1/tenants/reg-status/devices/reg-status-1").then()
                .body("status", equalTo("SUSPENDED"));
        patchStatus("reg-status", "reg-status-1", "ACTIVE").statusCode(200).body("status", equalTo("ACTIVE"));
        patchStatus("reg-status", "reg-status-1", "PAUSED").statusCode(400).body("code", equalTo("INVALID_REQUEST"))
                .body("details.field", equalTo("status"));
        patchStatus("reg-status", "reg-status-1", "REVOKED").statusCode(200).body("status", equalTo("REVOKED"));
        patchStatus("reg-status", "reg-status-1", "ACTIVE").statusCode(409).body("code", equalTo("DEVICE_REVOKED"));
        patchStatus("reg-status", "reg-status-1", "REVOKED").statusCode(200);
        OperatorKey.authorized().get("/api/v1/tenants/reg-status/devices/reg-status-1").then()
                .body("status", equalTo("REVOKED"));
    }

    private static ValidatableResponse createTenant(String id, String name) {
        return OperatorKey.authorized().contentType(ContentType.JSON).body(Map.of("id", id, "name", name))
                .post("/api/v1/tenants").then();
    }

    private static ValidatableResponse registerDevice(String tenant, String device, String publicKey) {
        Map<String, Object> body = new java.util.HashMap<>();
        body.put("deviceId", device);
        body.put("publicKey", publicKey);
        return OperatorKey.authorized().contentType(ContentType.JSON).body(body)
                .post("/api/v1/tenants/" + tenant + "/devices").then();
    }

    private static ValidatableResponse registerHybrid(String tenant, String device, String publicKey, String postQuantumPublicKey) {
        Map<String, Object> body = new java.util.HashMap<>();
        body.put("deviceId", device);
        body.put("publicKey", publicKey);
        body.put("postQuantumPublicKey", postQuantumPublicKey);
        return OperatorKey.authorized().contentType(ContentType.JSON).body(body)
                .post("/api/v1/tenants/" + tenant + "/devices").then();
    }

    private static ValidatableResponse patchStatus(String tenant, String device, String status) {
        return OperatorKey.authorized().contentType(ContentType.JSON).body(Map.of("status", status))
                .patch("/api/v1/tenants/" + tenant + "/devices/" + device).then();
    }

    private static VerificationKey newKey() {
        return Keys.generate(SignatureAlgorithm.ES256, RANDOM).verificationKey();
    }

    private static String spki(VerificationKey key) {
        return Base64.getEncoder().encodeToString(key.spki());
    }
}
