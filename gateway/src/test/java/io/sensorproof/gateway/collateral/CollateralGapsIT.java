package io.sensorproof.gateway.collateral;

import static io.sensorproof.gateway.security.TenancyWorld.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.sensorproof.gateway.EmbeddedPostgresTestResource;
import io.sensorproof.gateway.core.collateral.AlertChange;
import io.sensorproof.gateway.core.collateral.AppliedChange;
import io.sensorproof.gateway.core.collateral.ReadingKey;
import io.sensorproof.gateway.security.TenancyTestSupport;
import io.sensorproof.gateway.security.TenancyWorld;
import io.sensorproof.protocol.senml.Quantity;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Issue 14's known gaps, each with a test that failed before its fix: a lot's read grant cannot be revoked
 * through the grants API while the lot is open; a late reading that extends an alert the engine had
 * already resolved updates that alert (last out-of-range time, evidence) with an event.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresTestResource.class)
class CollateralGapsIT extends TenancyTestSupport {
    private static final AtomicInteger DEVICES = new AtomicInteger();

    CollateralGapsIT() {
        super("cgap-");
    }

    @Test
    void factoryCannotRevokeTheGrantItsOpenLotGaveTheBankUntilTheLotCloses() throws Exception {
        String device = device();
        long lot = lot(device);
        long grant = count("SELECT grant_id FROM lot_devices WHERE lot_id = " + lot);

        as(world.victimFactoryKey).delete("/api/v1/tenants/" + world.victim + "/grants/" + grant).then().statusCode(409)
                .body("code", equalTo("GRANT_HELD_BY_OPEN_LOT"));
        assertThat(count("SELECT count(*) FROM data_grants WHERE id = " + grant + " AND revoked_at IS NULL")).isEqualTo(1);
        as(world.bankKey).get("/api/v1/devices/" + device + "/readings").then().statusCode(200);

        as(world.bankKey).post("/api/v1/lots/" + lot + "/close").then().statusCode(200);
        as(world.victimFactoryKey).delete("/api/v1/tenants/" + world.victim + "/grants/" + grant).then().statusCode(204);
    }

    @Test
    void lateReadingThatExtendsAResolvedAlertUpdatesItsLastTimeAndEvidenceWithAnEvent() throws Exception {
        String device = device();
        long lot = lot(device);
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(3600);
        AppliedChange opened = collateralAlerts.apply(change(AlertChange.Kind.OPENED, lot, device, t0, t0.plusSeconds(60),
                List.of(new ReadingKey(device, 1, 0, 0))));
        collateralAlerts.apply(change(AlertChange.Kind.RESOLVED, lot, device, t0, t0.plusSeconds(60), List.of()));

        AppliedChange extended = collateralAlerts.apply(change(AlertChange.Kind.UPDATED, lot, device, t0, t0.plusSeconds(120),
                List.of(new ReadingKey(device, 1, 0, 0), new ReadingKey(device, 1, 5, 0))));

        assertThat(extended.alertId()).isEqualTo(opened.alertId());
        assertThat(extended.changed()).isTrue();
        JsonPath alert = as(world.bankKey).get("/api/v1/collateral-alerts/" + opened.alertId()).then().statusCode(200)
                .extract().jsonPath();
        assertThat(alert.getString("state")).isEqualTo("RESOLVED");
        assertThat(Instant.parse(alert.getString("lastOutOfRangeAt"))).isEqualTo(t0.plusSeconds(120));
        assertThat(alert.getList("evidence.seq", Integer.class)).containsExactly(0, 5);
        assertThat(count("SELECT count(*) FROM alert_events WHERE id = " + extended.eventId() + " AND type = 'UPDATED' AND alert_id = "
                + opened.alertId())).isEqualTo(1);
    }

    @Test
    void lateExtensionOfAResolvedAlertLeavesTheNewerUnresolvedAlertAlone() {
        String device = device();
        long lot = lot(device);
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(3600);
        Instant t1 = t0.plusSeconds(600);
        AppliedChange first = collateralAlerts.apply(change(AlertChange.Kind.OPENED, lot, device, t0, t0.plusSeconds(60),
                List.of(new ReadingKey(device, 1, 0, 0))));
        collateralAlerts.apply(change(AlertChange.Kind.RESOLVED, lot, device, t0, t0.plusSeconds(60), List.of()));
        AppliedChange second = collateralAlerts.apply(change(AlertChange.Kind.OPENED, lot, device, t1, t1.plusSeconds(60),
                List.of(new ReadingKey(device, 1, 100, 0))));

        AppliedChange extended = collateralAlerts.apply(change(AlertChange.Kind.UPDATED, lot, device, t0, t0.plusSeconds(90),
                List.of(new ReadingKey(device, 1, 3, 0))));

        assertThat(extended.alertId()).isEqualTo(first.alertId());
        JsonPath newer = as(world.bankKey).get("/api/v1/collateral-alerts/" + second.alertId()).then().statusCode(200)
                .extract().jsonPath();
        assertThat(newer.getString("state")).isEqualTo("OPEN");
        assertThat(Instant.parse(newer.getString("firstOutOfRangeAt"))).isEqualTo(t1);
        assertThat(Instant.parse(newer.getString("lastOutOfRangeAt"))).isEqualTo(t1.plusSeconds(60));
        JsonPath older = as(world.bankKey).get("/api/v1/collateral-alerts/" + first.alertId()).then().statusCode(200)
                .extract().jsonPath();
        assertThat(Instant.parse(older.getString("lastOutOfRangeAt"))).isEqualTo(t0.plusSeconds(90));
    }

    private static AlertChange change(AlertChange.Kind kind, long lot, String device, Instant first, Instant last,
            List<ReadingKey> evidence) {
        return new AlertChange(kind, lot, device, Optional.of(Quantity.TEMPERATURE), "THRESHOLD", Optional.of(first),
                Optional.of(last), Optional.of(first), Optional.of(last), evidence, "rules", Instant.now());
    }

    private long lot(String device) {
        return as(world.victimFactoryKey).contentType(ContentType.JSON).body(Map.of("tenant", world.victim, "siteId",
                        world.victimSite, "bank", world.bank, "name", "cold room " + device, "deviceIds", List.of(device)))
                .post("/api/v1/lots").then().statusCode(201).extract().jsonPath().getLong("id");
    }

    private String device() {
        String id = "cgap-dev-" + DEVICES.incrementAndGet();
        as(world.victimFactoryKey).contentType(ContentType.JSON)
                .body(Map.of("deviceId", id, "publicKey", TenancyWorld.freshPublicKey(), "siteId", world.victimSite))
                .post("/api/v1/tenants/" + world.victim + "/devices").then().statusCode(201);
        return id;
    }

    private long count(String sql) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
