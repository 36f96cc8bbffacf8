package io.sensorproof.gateway.security;

import static io.sensorproof.gateway.security.TenancyWorld.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.sensorproof.gateway.EmbeddedPostgresTestResource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A bank sees exactly the devices a factory granted to it — device list, readings, messages,
 * status, alerts, authenticated quarantine entries — and loses them on the next request once the
 * grant is revoked; grants go only from a factory's own devices to banks and exchanges; factory keys
 * administer their own tenant only.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresTestResource.class)
class DataGrantIT extends TenancyTestSupport {
    DataGrantIT() {
        super("grt-");
    }

    @Test
    void bankSeesGrantedDevicesOnlyAndLosesThemWhenTheGrantIsRevoked() {
        String bank = world.bank2Key;
        String granted = world.victimDevice2;
        String notGranted = world.victimDevice;
        assertSeesExactlyTheGrantedDevice(bank, granted, notGranted);

        as(bank).get("/api/v1/tenants/" + world.bank2 + "/grants").then().statusCode(200)
                .body("items.deviceId", equalTo(List.of(granted))).body("items[0].grantor", equalTo(world.victim));
        as(bank).contentType(ContentType.JSON).body(Map.of("status", "SUSPENDED"))
                .patch("/api/v1/tenants/" + world.victim + "/devices/" + granted).then().statusCode(403)
                .body("code", equalTo(Access.FORBIDDEN));
        as(bank).delete("/api/v1/tenants/" + world.victim + "/grants/" + world.bank2GrantId).then().statusCode(403);

        String grantPath = "/api/v1/tenants/" + world.victim + "/grants/" + world.bank2GrantId;
        as(world.victimFactoryKey).delete(grantPath).then().statusCode(204);
        as(world.victimFactoryKey).delete(grantPath).then().statusCode(204);

        as(bank).get("/api/v1/tenants/" + world.victim + "/devices").then().statusCode(403);
        as(bank).get("/api/v1/tenants/" + world.victim + "/devices/" + granted).then().statusCode(403);
        for (String path : List.of("/readings", "/messages", "/messages/1/0", "/status")) {
            as(bank).get("/api/v1/devices/" + granted + path).then().statusCode(404).body("code", equalTo("DEVICE_NOT_FOUND"));
        }
        assertThat(as(bank).queryParam("limit", 1000).get("/api/v1/quarantine").then().statusCode(200)
                .extract().jsonPath().getList("items")).isEmpty();
        assertThat(as(bank).queryParam("limit", 1000).get("/api/v1/alerts").then().statusCode(200)
                .extract().jsonPath().getList("items")).isEmpty();

        JsonPath history = as(world.victimFactoryKey).get(grantPath).then().statusCode(200).extract().jsonPath();
        assertThat(history.getString("revokedAt")).isNotNull();
        assertThat(history.getBoolean("active")).isFalse();
        assertThat(history.getLong("revokedBy")).isEqualTo(world.victimFactoryKeyId);

        long again = ((Number) as(world.victimFactoryKey).contentType(ContentType.JSON)
                .body(Map.of("grantee", world.bank2, "deviceIds", List.of(granted)))
                .post("/api/v1/tenants/" + world.victim + "/grants").then().statusCode(201)
                .extract().path("items[0].id")).longValue();
        assertThat(again).isNotEqualTo(world.bank2GrantId);
        assertSeesExactlyTheGrantedDevice(bank, granted, notGranted);
        as(world.victimFactoryKey).contentType(ContentType.JSON)
                .body(Map.of("grantee", world.bank2, "deviceIds", List.of(granted)))
                .post("/api/v1/tenants/" + world.victim + "/grants").then().statusCode(200)
                .body("items.id", equalTo(List.of((int) again)));
        assertThat(as(world.victimFactoryKey).queryParam("device", granted)
                .get("/api/v1/tenants/" + world.victim + "/grants").then().statusCode(200)
                .extract().jsonPath().getList("items.active", Boolean.class)).containsExactly(false, true);
    }

    private void assertSeesExactlyTheGrantedDevice(String bank, String granted, String notGranted) {
        as(bank).get("/api/v1/tenants/" + world.victim + "/devices").then().statusCode(200)
                .body("items.deviceId", equalTo(List.of(granted)));
        as(bank).get("/api/v1/tenants/" + world.victim + "/devices/" + granted).then().statusCode(200);
        as(bank).get("/api/v1/tenants/" + world.victim + "/devices/" + notGranted).then().statusCode(404)
                .body("code", equalTo("DEVICE_NOT_FOUND"));
        as(bank).get("/api/v1/devices/" + granted + "/readings").then().statusCode(200)
                .body("items.size()", equalTo(1)).body("items[0].unit", equalTo("Cel"));
        as(bank).get("/api/v1/devices/" + granted + "/messages").then().statusCode(200).body("items.size()", equalTo(1));
        as(bank).get("/api/v1/devices/" + granted + "/messages/1/0").then().statusCode(200);
        as(bank).get("/api/v1/devices/" + granted + "/status").then().statusCode(200).body("outboxDepth", equalTo(2));
        for (String path : List.of("/readings", "/messages", "/messages/3/7", "/status")) {
            as(bank).get("/api/v1/devices/" + notGranted + path).then().statusCode(404)
                    .body("code", equalTo("DEVICE_NOT_FOUND")).body("message", equalTo("no device '" + notGranted + "'"));
        }
        as(bank).get("/api/v1/devices/no-such-device/readings").then().statusCode(404)
                .body("message", equalTo("no device 'no-such-device'"));
        JsonPath quarantined = as(bank).queryParam("limit", 1000).get("/api/v1/quarantine").then().statusCode(200)
                .extract().jsonPath();
        assertThat(quarantined.getList("items.claimedDevice", String.class)).containsExactly(granted);
        assertThat(quarantined.getList("items.authenticated", Boolean.class)).containsOnly(true);
        as(bank).get("/api/v1/quarantine/" + world.victimQuarantineId).then().statusCode(404);
        as(bank).get("/api/v1/quarantine/" + world.unauthenticatedQuarantineId).then().statusCode(404);
        assertThat(as(bank).queryParam("limit", 1000).get("/api/v1/alerts").then().statusCode(200)
                .extract().jsonPath().getList("items.deviceId", String.class)).containsExactly(granted);
    }

    @Test
    void factorySeesItsOwnDevicesAndAuthenticatedEntriesOnly() {
        String factory = world.otherFactoryKey;
        JsonPath quarantined = as(factory).queryParam("limit", 1000).get("/api/v1/quarantine").then().statusCode(200)
                .extract().jsonPath();
        assertThat(quarantined.getList("items.claimedDevice", String.class)).containsExactly(world.otherDevice);
        as(factory).get("/api/v1/quarantine/" + world.otherQuarantineId).then().statusCode(200)
                .body("raw", org.hamcrest.Matchers.notNullValue());
        as(factory).get("/api/v1/quarantine/" + world.unauthenticatedQuarantineId).then().statusCode(404)
                .body("code", equalTo("QUARANTINE_ENTRY_NOT_FOUND"));
        OperatorKey.authorized().get("/api/v1/quarantine/" + world.unauthenticatedQuarantineId).then().statusCode(200);
        assertThat(as(factory).queryParam("limit", 1000).get("/api/v1/alerts").then().statusCode(200)
                .extract().jsonPath().getList("items.deviceId", String.class)).containsExactly(world.otherDevice);
        as(factory).get("/api/v1/devices/" + world.otherDevice + "/readings").then().statusCode(200)
                .body("items.size()", equalTo(1));
        as(factory).get("/api/v1/tenants").then().statusCode(200).body("items.id", equalTo(List.of(world.other)));
    }

    @Test
    void grantsGoFromAFactorysOwnDevicesToBanksAndExchangesOnly() {
        String grants = "/api/v1/tenants/" + world.victim + "/grants";
        as(world.victimFactoryKey).contentType(ContentType.JSON)
                .body(Map.of("grantee", world.other, "deviceIds", List.of(world.victimDevice)))
                .post(grants).then().statusCode(409).body("code", equalTo("GRANTEE_NOT_BANK_OR_EXCHANGE"));
        as(world.victimFactoryKey).contentType(ContentType.JSON)
                .body(Map.of("grantee", world.exchange, "deviceIds", List.of(world.victimDevice, world.otherDevice)))
                .post(grants).then().statusCode(404).body("code", equalTo("DEVICE_NOT_FOUND"))
                .body("details.device", equalTo(world.otherDevice));
        as(world.exchangeKey).get("/api/v1/devices/" + world.victimDevice + "/readings").then().statusCode(404);
        as(world.victimFactoryKey).contentType(ContentType.JSON)
                .body(Map.of("grantee", "no-such-tenant", "deviceIds", List.of(world.victimDevice)))
                .post(grants).then().statusCode(404).body("code", equalTo("TENANT_NOT_FOUND"));
        as(world.otherFactoryKey).delete("/api/v1/tenants/" + world.other + "/grants/" + world.bank2GrantId)
                .then().statusCode(404).body("code", equalTo("GRANT_NOT_FOUND"));
        as(world.otherFactoryKey).get("/api/v1/tenants/" + world.other + "/grants/" + world.bank2GrantId)
                .then().statusCode(404);
    }

    @Test
    void factoryKeysCreateAndRevokeOnlyFactoryKeysOfTheirOwnTenant() {
        Map<String, Object> created = as(world.victimFactoryKey).contentType(ContentType.JSON)
                .body(Map.of("label", "line 2 gateway")).post("/api/v1/api-keys").then().statusCode(201)
                .body("role", equalTo("factory")).body("tenant", equalTo(world.victim))
                .extract().jsonPath().getMap("");
        as((String) created.get("key")).get("/api/v1/tenants/" + world.victim + "/devices").then().statusCode(200);
        as(world.victimFactoryKey).contentType(ContentType.JSON).body(Map.of("label", "x", "role", "bank"))
                .post("/api/v1/api-keys").then().statusCode(403);
        as(world.victimFactoryKey).contentType(ContentType.JSON).body(Map.of("label", "x", "tenant", world.other))
                .post("/api/v1/api-keys").then().statusCode(403);
        as(world.bankKey).contentType(ContentType.JSON).body(Map.of("label", "x"))
                .post("/api/v1/api-keys").then().statusCode(403);
        OperatorKey.authorized().contentType(ContentType.JSON)
                .body(Map.of("label", "x", "role", "bank", "tenant", world.victim))
                .post("/api/v1/api-keys").then().statusCode(409).body("code", equalTo("TENANT_KIND_MISMATCH"));
        OperatorKey.authorized().contentType(ContentType.JSON).body(Map.of("label", "x", "role", "operator", "tenant", world.victim))
                .post("/api/v1/api-keys").then().statusCode(400).body("details.field", equalTo("tenant"));
        OperatorKey.authorized().contentType(ContentType.JSON).body(Map.of("label", "x", "role", "factory"))
                .post("/api/v1/api-keys").then().statusCode(400).body("details.field", equalTo("tenant"));

        assertThat(as(world.victimFactoryKey).get("/api/v1/api-keys").then().statusCode(200).extract().jsonPath()
                .getList("items.tenant", String.class)).isNotEmpty().containsOnly(world.victim);
        long otherKeyId = ((Number) OperatorKey.authorized().get("/api/v1/api-keys").then().extract().jsonPath()
                .getList("items").stream().map(Map.class::cast).filter(k -> world.other.equals(k.get("tenant")))
                .findFirst().orElseThrow().get("id")).longValue();
        as(world.victimFactoryKey).delete("/api/v1/api-keys/" + otherKeyId).then().statusCode(404)
                .body("code", equalTo("API_KEY_NOT_FOUND"));
        as(world.victimFactoryKey).delete("/api/v1/api-keys/" + created.get("id")).then().statusCode(204);
        as((String) created.get("key")).get("/api/v1/tenants/" + world.victim + "/devices").then().statusCode(401);
    }

    @Test
    void devicesBelongToFactoriesAndSitesToTheirTenant() {
        OperatorKey.authorized().contentType(ContentType.JSON)
                .body(Map.of("deviceId", "grt-bank-dev", "publicKey", TenancyWorld.freshPublicKey()))
                .post("/api/v1/tenants/" + world.bank + "/devices").then().statusCode(409)
                .body("code", equalTo("TENANT_NOT_A_FACTORY"));
        OperatorKey.authorized().contentType(ContentType.JSON).body(Map.of("siteId", "vault", "name", "Vault"))
                .post("/api/v1/tenants/" + world.bank + "/sites").then().statusCode(409)
                .body("code", equalTo("TENANT_NOT_A_FACTORY"));
        as(world.otherFactoryKey).contentType(ContentType.JSON).body(Map.of("siteId", "plant", "name", "Plant"))
                .post("/api/v1/tenants/" + world.other + "/sites").then().statusCode(201);
        as(world.victimFactoryKey).contentType(ContentType.JSON)
                .body(Map.of("deviceId", "grt-wrong-site", "publicKey", TenancyWorld.freshPublicKey(), "siteId", "plant"))
                .post("/api/v1/tenants/" + world.victim + "/devices").then().statusCode(404)
                .body("code", equalTo("SITE_NOT_FOUND"));
        as(world.victimFactoryKey).queryParam("site", world.victimSite).get("/api/v1/tenants/" + world.victim + "/devices")
                .then().statusCode(200).body("items.deviceId", equalTo(List.of(world.victimDevice)))
                .body("items[0].siteId", equalTo(world.victimSite));
        as(world.victimFactoryKey).get("/api/v1/tenants/" + world.victim + "/sites").then().statusCode(200)
                .body("items.siteId", equalTo(List.of(world.victimSite)));
        as(world.bank2Key).get("/api/v1/tenants/" + world.victim + "/sites").then().statusCode(403);
    }
}
