package io.sensorproof.gateway.carbon;

import static io.sensorproof.gateway.security.TenancyWorld.as;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.sensorproof.gateway.EmbeddedPostgresTestResource;
import io.sensorproof.gateway.security.OperatorKey;
import io.sensorproof.gateway.security.TenancyTestSupport;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The verification bundle endpoint in-process (ADR 031): who may read it (operator and regulator keys, the
 * facility's factory and exchange; everyone else the 404 of a missing facility, before anything about the
 * period is said) and its refusals: 404 for a period the gateway does not track, 409
 * {@code CARBON_PERIOD_NOT_MINTED} for one not minted, 409 {@code BUNDLE_EVIDENCE_MISSING} for a minted
 * period whose close or mint is not among the gateway's confirmed jobs. The bundle itself is built and
 * checked offline on a real chain in {@code CarbonMintIT}.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresTestResource.class)
class VerificationBundleAccessIT extends TenancyTestSupport {
    VerificationBundleAccessIT() {
        super("vbun-");
    }

    private String path(long facility, long period) {
        return "/api/v1/emission-facilities/" + facility + "/periods/" + period + "/verification-bundle";
    }

    @Test
    void onlyTheFacilitysReadersSeeItAndAPeriodNotMintedHasNoBundle() throws Exception {
        long period = world.victimCarbonPeriodId();
        String facilityExchangeKey = (String) world.createKey(OperatorKey.bootstrap(), "exchange2", "exchange", world.exchange2)
                .get("key");
        for (String reader : List.of(OperatorKey.bootstrap(), world.regulatorKey, world.victimFactoryKey, facilityExchangeKey)) {
            as(reader).get(path(world.victimFacilityId, period)).then().statusCode(409)
                    .body("code", equalTo(VerificationBundles.CARBON_PERIOD_NOT_MINTED))
                    .body("details.state", equalTo("OPEN"));
            as(reader).get(path(world.victimFacilityId, 99)).then().statusCode(404)
                    .body("code", equalTo(VerificationBundles.CARBON_PERIOD_NOT_FOUND));
        }
        for (String foreign : List.of(world.exchangeKey, world.otherFactoryKey, world.bankKey, world.bank2Key)) {
            as(foreign).get(path(world.victimFacilityId, period)).then().statusCode(404)
                    .body("code", equalTo("EMISSION_FACILITY_NOT_FOUND"));
            as(foreign).get(path(world.victimFacilityId, 99)).then().statusCode(404)
                    .body("code", equalTo("EMISSION_FACILITY_NOT_FOUND"));
        }
        OperatorKey.authorized().get(path(Long.MAX_VALUE, period)).then().statusCode(404)
                .body("code", equalTo("EMISSION_FACILITY_NOT_FOUND"));
        OperatorKey.authorized().get("/api/v1/emission-facilities/" + world.victimFacilityId + "/periods/x/verification-bundle")
                .then().statusCode(400);
    }

    @Test
    void aMintedPeriodWithoutTheGatewaysConfirmedMintIsRefusedNamingWhatIsMissing() throws SQLException {
        world.victimCarbonPeriodId();
        long minted = 2;
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("INSERT INTO carbon_periods (facility_id,"
                + " chain_facility_id, period_id, start_seconds, end_seconds, baseline_kg, max_gap_ms, substitute_rate_kg_per_hour,"
                + " devices, state) VALUES (?, ?, ?, 1893456000, 1893459600, 100, 900000, 10, ARRAY[?], 'MINTED')"
                + " ON CONFLICT DO NOTHING")) {
            ps.setLong(1, world.victimFacilityId);
            ps.setLong(2, 1_000_000_000_000L + world.victimFacilityId);
            ps.setLong(3, minted);
            ps.setString(4, world.victimDevice);
            ps.executeUpdate();
        }
        as(world.victimFactoryKey).get(path(world.victimFacilityId, minted)).then().statusCode(409)
                .body("code", equalTo(VerificationBundles.BUNDLE_EVIDENCE_MISSING))
                .body("details.field", equalTo("close"));
    }
}
