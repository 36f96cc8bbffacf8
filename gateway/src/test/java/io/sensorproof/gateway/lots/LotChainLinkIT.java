package io.sensorproof.gateway.lots;

import static io.sensorproof.gateway.security.TenancyWorld.as;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.sensorproof.gateway.EmbeddedPostgresTestResource;
import io.sensorproof.gateway.security.TenancyTestSupport;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * {@code PUT /api/v1/lots/{id}/chain-facility} in-process, where no chain is configured: who may call it,
 * what it parses, 409 {@code CHAIN_NOT_CONFIGURED}, and the link rules that need no chain read (relinking
 * the same facility is idempotent, another one is refused). The chain comparison is unit-tested
 * ({@code ChainFacilityMatchTest}, {@code CollateralFacilityReaderTest}).
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresTestResource.class)
class LotChainLinkIT extends TenancyTestSupport {
    LotChainLinkIT() {
        super("lcl-");
    }

    private static String body(String id) {
        return "{\"facilityId\":\"" + id + "\"}";
    }

    @Test
    void onlyTheLotsBankOrAnOperatorLinksAndWithoutAChainItIsRefused() throws SQLException {
        long lot = world.victimLotId; // financed by bank2
        String path = "/api/v1/lots/" + lot + "/chain-facility";
        as(world.bankKey).contentType("application/json").body(body("7")).put(path).then().statusCode(404)
                .body("code", equalTo("LOT_NOT_FOUND"));
        as(world.victimFactoryKey).contentType("application/json").body(body("7")).put(path).then().statusCode(403);
        as(world.bank2Key).contentType("application/json").body(body("-1")).put(path).then().statusCode(400)
                .body("code", equalTo("INVALID_REQUEST")).body("details.field", equalTo("facilityId"));
        as(world.bank2Key).contentType("application/json").body(body("0")).put(path).then().statusCode(400);
        as(world.bank2Key).contentType("application/json").body(body("7")).put(path).then().statusCode(409)
                .body("code", equalTo("CHAIN_NOT_CONFIGURED"));

        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE lots SET chain_facility_id = 7 WHERE id = ?")) {
            ps.setLong(1, lot);
            ps.executeUpdate();
        }
        as(world.bank2Key).contentType("application/json").body(body("7")).put(path).then().statusCode(200)
                .body("chainFacilityId", equalTo("7"));
        as(world.bank2Key).contentType("application/json").body(body("8")).put(path).then().statusCode(409)
                .body("code", equalTo("LOT_ALREADY_LINKED")).body("details.linked", equalTo("7"));
        as(world.bank2Key).get("/api/v1/lots/" + lot).then().statusCode(200).body("chainFacilityId", equalTo("7"));
    }
}
