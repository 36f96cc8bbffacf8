package io.sensorproof.gateway.collateral;

import static io.sensorproof.gateway.security.TenancyWorld.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.sensorproof.gateway.EmbeddedPostgresTestResource;
import io.sensorproof.gateway.core.collateral.AlertChange;
import io.sensorproof.gateway.core.collateral.AlertState;
import io.sensorproof.gateway.core.collateral.AppliedChange;
import io.sensorproof.gateway.core.collateral.ReadingKey;
import io.sensorproof.gateway.core.lots.LotRefusal;
import io.sensorproof.gateway.security.OperatorKey;
import io.sensorproof.gateway.security.TenancyTestSupport;
import io.sensorproof.gateway.security.TenancyWorld;
import io.sensorproof.protocol.senml.Quantity;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * Collateral alerts on a real PostgreSQL: a change applied through the {@code CollateralAlerts} port
 * shows in the REST API of the lot's bank and factory only, is acknowledged (audited) by a party, and
 * reaches the bank's server-sent event stream, which resumes after {@code Last-Event-ID}; another
 * bank's stream shows nothing.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresTestResource.class)
class CollateralAlertsIT extends TenancyTestSupport {
    private static final AtomicInteger DEVICES = new AtomicInteger();

    @TestHTTPResource("/api/v1/collateral-alerts/stream")
    URI stream;

    CollateralAlertsIT() {
        super("cal-");
    }

    @Test
    void anAppliedAlertShowsInTheBanksApiAndItsAcknowledgementIsAudited() {
        String device = device();
        long lot = lot(world.bank, device);
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(1200);
        AppliedChange opened = collateralAlerts.apply(change(AlertChange.Kind.OPENED, lot, device, t0, t0.plusSeconds(900),
                List.of(new ReadingKey(device, 1, 0, 0), new ReadingKey(device, 1, 1, 0))));
        assertThat(opened.changed()).isTrue();
        assertThat(opened.state()).isEqualTo(AlertState.OPEN);

        JsonPath alert = as(world.bankKey).get("/api/v1/collateral-alerts/" + opened.alertId()).then().statusCode(200)
                .extract().jsonPath();
        assertThat(alert.getString("state")).isEqualTo("OPEN");
        assertThat(alert.getLong("lotId")).isEqualTo(lot);
        assertThat(alert.getString("quantity")).isEqualTo("temperature");
        assertThat(alert.getString("rule")).isEqualTo("THRESHOLD");
        assertThat(Instant.parse(alert.getString("firstOutOfRangeAt"))).isEqualTo(t0);
        assertThat(Instant.parse(alert.getString("runLastAt"))).isEqualTo(t0.plusSeconds(900));
        assertThat(alert.getList("evidence.seq", Integer.class)).containsExactly(0, 1);
        as(world.victimFactoryKey).get("/api/v1/collateral-alerts/" + opened.alertId()).then().statusCode(200);
        as(world.bank2Key).get("/api/v1/collateral-alerts/" + opened.alertId()).then().statusCode(404)
                .body("code", equalTo("COLLATERAL_ALERT_NOT_FOUND"));
        assertThat(as(world.bankKey).queryParam("lot", lot).get("/api/v1/collateral-alerts").then().statusCode(200)
                .extract().jsonPath().getList("items.id", Long.class)).containsExactly(opened.alertId());
        assertThat(as(world.bank2Key).queryParam("limit", 1000).get("/api/v1/collateral-alerts").then().statusCode(200)
                .extract().jsonPath().getList("items.id", Long.class)).doesNotContain(opened.alertId());

        // the same change again (an engine restarted mid-way) is the same alert and tells nobody anything new
        AppliedChange again = collateralAlerts.apply(change(AlertChange.Kind.OPENED, lot, device, t0, t0.plusSeconds(900),
                List.of(new ReadingKey(device, 1, 1, 0))));
        assertThat(again.alertId()).isEqualTo(opened.alertId());
        assertThat(again.changed()).isFalse();
        AppliedChange grown = collateralAlerts.apply(change(AlertChange.Kind.UPDATED, lot, device, t0, t0.plusSeconds(960),
                List.of(new ReadingKey(device, 1, 2, 0))));
        assertThat(grown.eventId()).isGreaterThan(opened.eventId());

        OperatorKey.authorized().post("/api/v1/collateral-alerts/" + opened.alertId() + "/acknowledge").then().statusCode(403);
        as(world.bank2Key).post("/api/v1/collateral-alerts/" + opened.alertId() + "/acknowledge").then().statusCode(404);
        as(world.bankKey).post("/api/v1/collateral-alerts/" + opened.alertId() + "/acknowledge").then().statusCode(200)
                .body("state", equalTo("ACKNOWLEDGED"));
        as(world.victimFactoryKey).post("/api/v1/collateral-alerts/" + opened.alertId() + "/acknowledge").then().statusCode(200)
                .body("state", equalTo("ACKNOWLEDGED"));
        List<Map<String, Object>> audit = OperatorKey.authorized().queryParam("action", "COLLATERAL_ALERT_ACKNOWLEDGED")
                .queryParam("limit", 1000).get("/api/v1/audit").then().statusCode(200).extract().jsonPath().getList("items");
        assertThat(audit).filteredOn(e -> String.valueOf(opened.alertId()).equals(e.get("subject"))).singleElement()
                .satisfies(e -> assertThat(e).containsEntry("actorRole", "bank").containsEntry("actorTenant", world.bank)
                        .containsEntry("tenant", world.victim));

        AppliedChange resolved = collateralAlerts.apply(change(AlertChange.Kind.RESOLVED, lot, device, t0, t0.plusSeconds(960),
                List.of()));
        assertThat(resolved.state()).isEqualTo(AlertState.RESOLVED);
        JsonPath after = as(world.bankKey).get("/api/v1/collateral-alerts/" + opened.alertId()).then().statusCode(200)
                .extract().jsonPath();
        assertThat(after.getString("state")).isEqualTo("RESOLVED");
        assertThat(after.getList("evidence.seq", Integer.class)).containsExactly(0, 1, 2);
        assertThat(after.getString("resolvedBy")).isEqualTo("rules");
        as(world.bankKey).post("/api/v1/collateral-alerts/" + opened.alertId() + "/acknowledge").then().statusCode(409)
                .body("code", equalTo("COLLATERAL_ALERT_RESOLVED"));
        assertThat(collateralAlerts.apply(change(AlertChange.Kind.RESOLVED, lot, device, t0, t0, List.of())).changed()).isFalse();
        // a new excursion after resolution is a new alert
        assertThat(collateralAlerts.apply(change(AlertChange.Kind.OPENED, lot, device, t0.plusSeconds(3600),
                t0.plusSeconds(4000), List.of())).alertId()).isNotEqualTo(opened.alertId());
    }

    @Test
    void refusesAChangeForADeviceOutsideTheLot() {
        String device = device();
        long lot = lot(world.bank, device);
        Assertions.assertThatThrownBy(() -> collateralAlerts.apply(change(AlertChange.Kind.OPENED, lot, world.victimDevice,
                        Instant.now(), Instant.now(), List.of())))
                .isInstanceOfSatisfying(LotRefusal.class, e -> assertThat(e.code()).isEqualTo("ALERT_UNKNOWN_LOT_DEVICE"));
    }

    @Test
    void theBanksStreamDeliversAlertsResumesAfterLastEventIdAndAnotherBankSeesNothing() {
        String device = device();
        long lot = lot(world.bank, device);
        String otherDevice = device();
        long otherLot = lot(world.bank2, otherDevice);
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);

        long first;
        try (SseClient bank = SseClient.open(stream, world.bankKey, null);
                SseClient otherBank = SseClient.open(stream, world.bank2Key, null)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> bank.status() == 200 && otherBank.status() == 200);
            AppliedChange opened = collateralAlerts.apply(change(AlertChange.Kind.OPENED, lot, device, t0, t0.plusSeconds(900),
                    List.of(new ReadingKey(device, 1, 0, 0))));
            await().atMost(Duration.ofSeconds(10)).until(() -> bank.events().stream().anyMatch(e -> e.id() == opened.eventId()));
            SseClient.Event event = bank.events().stream().filter(e -> e.id() == opened.eventId()).findFirst().orElseThrow();
            assertThat(event.type()).isEqualTo("OPENED");
            assertThat(event.data()).contains("\"id\":" + opened.alertId())
                    .contains(device).contains("\"state\":\"OPEN\"");
            first = opened.eventId();

            // the other bank's stream: an event of its own lot, committed after the bank's, arrives; the bank's did not
            AppliedChange own = collateralAlerts.apply(change(AlertChange.Kind.OPENED, otherLot, otherDevice, t0,
                    t0.plusSeconds(900), List.of()));
            await().atMost(Duration.ofSeconds(10)).until(() -> otherBank.events().stream().anyMatch(e -> e.id() == own.eventId()));
            // events arrive in id order, so had the bank's earlier event been visible it would have come first
            assertThat(otherBank.events()).extracting(SseClient.Event::id).doesNotContain(opened.eventId());
            assertThat(otherBank.events()).extracting(SseClient.Event::data).noneMatch(data -> data.contains(device + "\""));
            assertThat(bank.events()).extracting(SseClient.Event::id).doesNotContain(own.eventId());
        }

        AppliedChange grown = collateralAlerts.apply(change(AlertChange.Kind.UPDATED, lot, device, t0, t0.plusSeconds(1000),
                List.of(new ReadingKey(device, 1, 1, 0))));
        try (SseClient resumed = SseClient.open(stream, world.bankKey, first)) {
            // replayed from the table (committed while disconnected), then live
            await().atMost(Duration.ofSeconds(10)).until(() -> resumed.events().stream().anyMatch(e -> e.id() == grown.eventId()));
            AppliedChange resolved = collateralAlerts.apply(change(AlertChange.Kind.RESOLVED, lot, device, t0,
                    t0.plusSeconds(1000), List.of()));
            await().atMost(Duration.ofSeconds(10)).until(() -> resumed.events().stream().anyMatch(e -> e.id() == resolved.eventId()));
            assertThat(resumed.events()).extracting(SseClient.Event::id).allMatch(id -> id > first)
                    .doesNotHaveDuplicates().isSorted();
            assertThat(resumed.events()).extracting(SseClient.Event::type).contains("UPDATED", "RESOLVED");
        }

        // a finite replay (follow=false) of the other bank shows only its own lot
        String replay = as(world.bank2Key).queryParam("follow", false).get("/api/v1/collateral-alerts/stream")
                .then().statusCode(200).extract().asString();
        assertThat(replay).contains(otherDevice).doesNotContain(device + "\"");
        as(world.bankKey).header("Last-Event-ID", "x").get("/api/v1/collateral-alerts/stream").then().statusCode(400)
                .body("code", equalTo("INVALID_PARAMETER"));
    }

    private static AlertChange change(AlertChange.Kind kind, long lot, String device, Instant first, Instant last,
            List<ReadingKey> evidence) {
        return new AlertChange(kind, lot, device, Optional.of(Quantity.TEMPERATURE), "THRESHOLD", Optional.of(first),
                Optional.of(last), Optional.of(first), Optional.of(last), evidence, "rules", Instant.now());
    }

    private long lot(String bank, String device) {
        return as(world.victimFactoryKey).contentType(ContentType.JSON).body(Map.of("tenant", world.victim, "siteId",
                        world.victimSite, "bank", bank, "name", "cold room " + device, "deviceIds", List.of(device)))
                .post("/api/v1/lots").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    private String device() {
        String id = "cal-dev-" + DEVICES.incrementAndGet();
        as(world.victimFactoryKey).contentType(ContentType.JSON)
                .body(Map.of("deviceId", id, "publicKey", TenancyWorld.freshPublicKey(), "siteId", world.victimSite))
                .post("/api/v1/tenants/" + world.victim + "/devices").then().statusCode(201);
        return id;
    }
}
