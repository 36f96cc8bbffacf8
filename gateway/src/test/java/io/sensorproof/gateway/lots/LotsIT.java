package io.sensorproof.gateway.lots;

import static io.sensorproof.gateway.security.TenancyWorld.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.math.BigInteger;
import java.time.Duration;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.sensorproof.gateway.EmbeddedPostgresTestResource;
import io.sensorproof.gateway.security.OperatorKey;
import io.sensorproof.gateway.security.TenancyTestSupport;
import io.sensorproof.gateway.security.TenancyWorld;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Lots and emissions facilities through the API on a real PostgreSQL: who may create, set terms and
 * close; the bank's read access to the lot's devices (and no other bank's); every refusal with its code.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresTestResource.class)
class LotsIT extends TenancyTestSupport {
    private static final AtomicInteger DEVICES = new AtomicInteger();

    @Inject
    PgLots lots;

    LotsIT() {
        super("lot-");
    }

    @Test
    void aLotGivesItsBankReadAccessToItsDevicesUntilItIsClosed() {
        String device = device();
        String bank = world.bankKey;
        as(bank).get("/api/v1/devices/" + device + "/readings").then().statusCode(404).body("code", equalTo("DEVICE_NOT_FOUND"));

        JsonPath lot = createLot(world.victimFactoryKey, world.bank, List.of(device)).then().statusCode(201).extract().jsonPath();
        long id = lot.getLong("id");
        assertThat(lot.getString("tenant")).isEqualTo(world.victim);
        assertThat(lot.getString("bank")).isEqualTo(world.bank);
        assertThat(lot.getList("deviceIds")).containsExactly(device);
        assertThat(lot.getList("terms")).isEmpty();
        assertThat(lot.getInt("termsVersion")).isZero();
        assertThat(lot.getBoolean("open")).isTrue();

        as(bank).get("/api/v1/devices/" + device + "/readings").then().statusCode(200);
        as(world.bank2Key).get("/api/v1/devices/" + device + "/readings").then().statusCode(404);
        as(bank).get("/api/v1/lots/" + id).then().statusCode(200).body("name", equalTo("cold room " + device));
        as(world.bank2Key).get("/api/v1/lots/" + id).then().statusCode(404).body("code", equalTo("LOT_NOT_FOUND"));
        as(world.exchangeKey).get("/api/v1/lots/" + id).then().statusCode(404);
        assertThat(as(world.bank2Key).queryParam("limit", 1000).get("/api/v1/lots").then().statusCode(200)
                .extract().jsonPath().getList("items.id", Long.class)).doesNotContain(id);
        assertThat(as(bank).queryParam("limit", 1000).get("/api/v1/lots").then().statusCode(200)
                .extract().jsonPath().getList("items.id", Long.class)).contains(id);

        // terms: the bank's only
        Map<String, Object> terms = Map.of("watches", List.of(watch(27515, 28115, 900_000, 90_000, 60_000, 1)));
        as(world.victimFactoryKey).contentType(ContentType.JSON).body(terms).put("/api/v1/lots/" + id + "/terms")
                .then().statusCode(403).body("code", equalTo("FORBIDDEN"));
        OperatorKey.authorized().contentType(ContentType.JSON).body(terms).put("/api/v1/lots/" + id + "/terms")
                .then().statusCode(403);
        as(world.bank2Key).contentType(ContentType.JSON).body(terms).put("/api/v1/lots/" + id + "/terms")
                .then().statusCode(404).body("code", equalTo("LOT_NOT_FOUND"));
        JsonPath set = as(bank).contentType(ContentType.JSON).body(terms).put("/api/v1/lots/" + id + "/terms")
                .then().statusCode(200).extract().jsonPath();
        assertThat(set.getInt("termsVersion")).isEqualTo(1);
        assertThat(set.getString("terms[0].quantity")).isEqualTo("temperature");
        assertThat(set.getLong("terms[0].hi")).isEqualTo(28115);
        assertThat(set.getLong("terms[0].maxGapMs")).isEqualTo(90_000);

        // what the rules engine and the oracle read
        assertThat(lots.linkFacility(id, BigInteger.valueOf(7)).await().atMost(Duration.ofSeconds(10))).isTrue();
        var pledged = lots.openLots().await().atMost(Duration.ofSeconds(10)).stream().filter(l -> l.lotId() == id)
                .findFirst().orElseThrow();
        assertThat(pledged.bankTenant()).isEqualTo(world.bank);
        assertThat(pledged.deviceIds()).containsExactly(device);
        assertThat(pledged.chainFacilityId()).contains("7");
        assertThat(pledged.termsVersion()).isEqualTo(1);
        assertThat(pledged.terms().orElseThrow().watches()).singleElement()
                .satisfies(w -> assertThat(w.lo()).isEqualTo(27515));

        // closing: not by the factory; by the bank, which loses the devices
        as(world.victimFactoryKey).post("/api/v1/lots/" + id + "/close").then().statusCode(403);
        as(bank).post("/api/v1/lots/" + id + "/close").then().statusCode(200).body("open", equalTo(false));
        assertThat(lots.openLots().await().atMost(Duration.ofSeconds(10))).noneMatch(l -> l.lotId() == id);
        as(bank).post("/api/v1/lots/" + id + "/close").then().statusCode(200);
        as(bank).get("/api/v1/devices/" + device + "/readings").then().statusCode(404);
        as(bank).contentType(ContentType.JSON).body(terms).put("/api/v1/lots/" + id + "/terms")
                .then().statusCode(409).body("code", equalTo("LOT_CLOSED"));
        // the device is free again for a new lot
        createLot(world.victimFactoryKey, world.bank2, List.of(device)).then().statusCode(201);

        List<String> actions = OperatorKey.authorized().queryParam("tenant", world.victim).queryParam("limit", 1000)
                .get("/api/v1/audit").then().statusCode(200).extract().jsonPath().getList("items.action");
        assertThat(actions).contains("LOT_CREATED", "LOT_TERMS_SET", "LOT_CLOSED", "GRANT_GIVEN", "GRANT_REVOKED");
    }

    @Test
    void closingALotLeavesAGrantTheFactoryGaveBeforeIt() {
        String device = device();
        as(world.victimFactoryKey).contentType(ContentType.JSON).body(Map.of("grantee", world.bank, "deviceIds", List.of(device)))
                .post("/api/v1/tenants/" + world.victim + "/grants").then().statusCode(201);
        long id = createLot(world.victimFactoryKey, world.bank, List.of(device)).then().statusCode(201).extract().jsonPath()
                .getLong("id");
        as(world.bankKey).post("/api/v1/lots/" + id + "/close").then().statusCode(200);
        as(world.bankKey).get("/api/v1/devices/" + device + "/readings").then().statusCode(200);
    }

    @Test
    void refusesLotsThatBreakTheRulesWithStableCodes() {
        String device = device();
        createLot(world.otherFactoryKey, world.bank, List.of(device)).then().statusCode(403).body("code", equalTo("FORBIDDEN"));
        createLot(world.bankKey, world.bank, List.of(device)).then().statusCode(403);
        createLot(world.victimFactoryKey, world.bank, List.of(world.otherDevice)).then().statusCode(404)
                .body("code", equalTo("DEVICE_NOT_FOUND"));
        createLot(world.victimFactoryKey, world.exchange, List.of(device)).then().statusCode(409)
                .body("code", equalTo("LOT_BANK_NOT_A_BANK"));
        createLot(world.victimFactoryKey, world.bank, List.of(device, device)).then().statusCode(400)
                .body("code", equalTo("INVALID_DEVICES"));
        createLot(world.victimFactoryKey, world.bank, List.of()).then().statusCode(400).body("code", equalTo("INVALID_DEVICES"));
        long id = createLot(world.victimFactoryKey, world.bank, List.of(device)).then().statusCode(201).extract().jsonPath()
                .getLong("id");
        String second = device();
        createLot(world.victimFactoryKey, world.bank2, List.of(second, device)).then().statusCode(409)
                .body("code", equalTo("LOT_DEVICE_IN_OPEN_LOT")).body("details.device", equalTo(device));
        // the refused lot left nothing behind: the second device is still free
        createLot(world.victimFactoryKey, world.bank2, List.of(second)).then().statusCode(201);

        Map<String, Object> cases = new HashMap<>();
        cases.put("TERMS_INVALID_RANGE", watch(28116, 28115, 1, 1, 1, 1));
        cases.put("TERMS_INVALID_DURATION", watch(0, 1, -1, 1, 1, 1));
        cases.put("TERMS_INVALID_MAX_GAP", watch(0, 1, 1, 120_000, 60_000, 1));
        cases.put("TERMS_INVALID_K", watch(0, 1, 1, 1, 1, 2));
        Map<String, Object> unknown = new HashMap<>(watch(0, 1, 1, 1, 1, 1));
        unknown.put("quantity", "pressure");
        cases.put("TERMS_UNKNOWN_QUANTITY", unknown);
        for (Map.Entry<String, Object> c : cases.entrySet()) {
            as(world.bankKey).contentType(ContentType.JSON).body(Map.of("watches", List.of(c.getValue())))
                    .put("/api/v1/lots/" + id + "/terms").then().statusCode(400).body("code", equalTo(c.getKey()));
        }
        Map<String, Object> noLo = new HashMap<>(watch(0, 1, 1, 1, 1, 1));
        noLo.remove("lo");
        as(world.bankKey).contentType(ContentType.JSON).body(Map.of("watches", List.of(noLo)))
                .put("/api/v1/lots/" + id + "/terms").then().statusCode(400).body("code", equalTo("INVALID_REQUEST"))
                .body("details.field", equalTo("lo"));
        as(world.bankKey).contentType(ContentType.JSON).body(Map.of("watches", List.of()))
                .put("/api/v1/lots/" + id + "/terms").then().statusCode(400).body("code", equalTo("TERMS_NO_WATCHES"));
        as(world.bankKey).get("/api/v1/lots/" + id).then().statusCode(200).body("termsVersion", equalTo(0));
    }

    @Test
    void emissionsFacilitiesAreSetByTheVerifierNeverByTheirOwner() {
        String device = device();
        Map<String, Object> body = new HashMap<>(Map.of("tenant", world.victim, "exchange", world.exchange, "name", "kiln",
                "deviceIds", List.of(device), "baselineKg", 100, "calendar", "MONTHLY_UTC", "maxGapMs", 900_000,
                "substituteRateKgPerHour", 10));
        as(world.victimFactoryKey).contentType(ContentType.JSON).body(body).post("/api/v1/emission-facilities")
                .then().statusCode(403).body("code", equalTo("FORBIDDEN"));
        as(world.regulatorKey).contentType(ContentType.JSON).body(body).post("/api/v1/emission-facilities").then().statusCode(403);
        long id = OperatorKey.authorized().contentType(ContentType.JSON).body(body).post("/api/v1/emission-facilities")
                .then().statusCode(201).body("calendar", equalTo("MONTHLY_UTC")).body("termsVersion", equalTo(1))
                .extract().jsonPath().getLong("id");
        as(world.victimFactoryKey).get("/api/v1/emission-facilities/" + id).then().statusCode(200)
                .body("deviceIds", equalTo(List.of(device)));
        as(world.exchangeKey).get("/api/v1/emission-facilities/" + id).then().statusCode(200);
        as(world.bankKey).get("/api/v1/emission-facilities/" + id).then().statusCode(404)
                .body("code", equalTo("EMISSION_FACILITY_NOT_FOUND"));

        Map<String, Object> terms = new HashMap<>(Map.of("baselineKg", 90, "calendar", "MONTHLY_UTC", "maxGapMs", 600_000,
                "substituteRateKgPerHour", 12));
        as(world.victimFactoryKey).contentType(ContentType.JSON).body(terms).put("/api/v1/emission-facilities/" + id + "/terms")
                .then().statusCode(403);
        OperatorKey.authorized().contentType(ContentType.JSON).body(terms).put("/api/v1/emission-facilities/" + id + "/terms")
                .then().statusCode(200).body("baselineKg", equalTo(90)).body("termsVersion", equalTo(2));

        terms.put("substituteRateKgPerHour", 0);
        OperatorKey.authorized().contentType(ContentType.JSON).body(terms).put("/api/v1/emission-facilities/" + id + "/terms")
                .then().statusCode(400).body("code", equalTo("EMISSIONS_INVALID_TERMS"));
        terms.put("substituteRateKgPerHour", 1);
        terms.put("calendar", "WEEKLY");
        OperatorKey.authorized().contentType(ContentType.JSON).body(terms).put("/api/v1/emission-facilities/" + id + "/terms")
                .then().statusCode(400).body("code", equalTo("EMISSIONS_UNKNOWN_CALENDAR"));
        body.put("exchange", world.bank);
        OperatorKey.authorized().contentType(ContentType.JSON).body(body).post("/api/v1/emission-facilities")
                .then().statusCode(409).body("code", equalTo("FACILITY_EXCHANGE_NOT_AN_EXCHANGE"));
        body.put("exchange", world.exchange);
        body.put("deviceIds", List.of(world.otherDevice));
        OperatorKey.authorized().contentType(ContentType.JSON).body(body).post("/api/v1/emission-facilities")
                .then().statusCode(404).body("code", equalTo("DEVICE_NOT_FOUND"));
    }

    private Response createLot(String key, String bank, List<String> devices) {
        String name = "cold room " + (devices.isEmpty() ? "none" : devices.get(0));
        return as(key).contentType(ContentType.JSON).body(Map.of("tenant", world.victim, "siteId", world.victimSite,
                "bank", bank, "name", name, "deviceIds", new ArrayList<>(devices))).post("/api/v1/lots");
    }

    static Map<String, Object> watch(long lo, long hi, long minDuration, long maxGap, long sampling, int k) {
        return Map.of("quantity", "temperature", "lo", lo, "hi", hi, "minDurationMs", minDuration, "maxGapMs", maxGap,
                "samplingIntervalMs", sampling, "maxAgeMs", 86_400_000, "k", k);
    }

    /** A fresh device of the victim factory. */
    private String device() {
        String id = "lot-dev-" + DEVICES.incrementAndGet();
        as(world.victimFactoryKey).contentType(ContentType.JSON)
                .body(Map.of("deviceId", id, "publicKey", TenancyWorld.freshPublicKey(), "siteId", world.victimSite))
                .post("/api/v1/tenants/" + world.victim + "/devices").then().statusCode(201);
        return id;
    }
}
