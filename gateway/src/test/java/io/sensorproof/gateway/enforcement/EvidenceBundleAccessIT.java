package io.sensorproof.gateway.enforcement;

import static io.sensorproof.gateway.security.TenancyWorld.as;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.sensorproof.gateway.EmbeddedPostgresTestResource;
import io.sensorproof.gateway.security.OperatorKey;
import io.sensorproof.gateway.security.TenancyTestSupport;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The evidence bundle endpoint in-process (ADR 031): who may read it (operator and regulator keys, the lot's
 * factory and bank; everyone else the 404 of a missing lot, before anything about the freeze is said) and its
 * refusals: 404 {@code FREEZE_NOT_FOUND} for a freeze of another lot or none, 409 {@code FREEZE_NOT_CONFIRMED}
 * for one not FROZEN, 409 {@code BUNDLE_EVIDENCE_MISSING} for a FROZEN freeze without its transaction, citing a
 * claim the gateway does not hold, or a claim whose signed message is not kept (named before any chain read). The
 * bundle itself is built and checked offline on a real chain in {@code CollateralFreezeIT}.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresTestResource.class)
class EvidenceBundleAccessIT extends TenancyTestSupport {
    EvidenceBundleAccessIT() {
        super("evbun-");
    }

    private static String path(long lot, long freeze) {
        return "/api/v1/lots/" + lot + "/freezes/" + freeze + "/evidence-bundle";
    }

    @Test
    void onlyTheLotsReadersSeeItAndAFreezeNotConfirmedHasNoBundle() throws Exception {
        long lot = world.victimLotId;
        long freeze = world.victimFreezeId();
        // a second lot of the same parties (on the victim's other device: a device is in one open lot at a time)
        long otherLot = ((Number) as(world.victimFactoryKey).contentType(ContentType.JSON)
                .body(Map.of("tenant", world.victim, "siteId", world.victimSite, "bank", world.bank2, "name", "second pledge",
                        "deviceIds", List.of(world.victimDevice)))
                .post("/api/v1/lots").then().statusCode(201).extract().path("id")).longValue();
        long otherLotsFreeze = insertFreeze(otherLot, "FROZEN", "other-lot");
        for (String reader : List.of(OperatorKey.bootstrap(), world.regulatorKey, world.victimFactoryKey, world.bank2Key)) {
            as(reader).get(path(lot, freeze)).then().statusCode(409)
                    .body("code", equalTo(EvidenceBundles.FREEZE_NOT_CONFIRMED))
                    .body("details.state", equalTo("SUBMITTED"));
            as(reader).get(path(lot, otherLotsFreeze)).then().statusCode(404)
                    .body("code", equalTo(EvidenceBundles.FREEZE_NOT_FOUND));
            as(reader).get(path(lot, Long.MAX_VALUE)).then().statusCode(404)
                    .body("code", equalTo(EvidenceBundles.FREEZE_NOT_FOUND));
        }
        for (String foreign : List.of(world.bankKey, world.otherFactoryKey, world.exchangeKey)) {
            as(foreign).get(path(lot, freeze)).then().statusCode(404).body("code", equalTo("LOT_NOT_FOUND"));
            as(foreign).get(path(lot, Long.MAX_VALUE)).then().statusCode(404).body("code", equalTo("LOT_NOT_FOUND"));
        }
        OperatorKey.authorized().get(path(Long.MAX_VALUE, freeze)).then().statusCode(404).body("code", equalTo("LOT_NOT_FOUND"));
        OperatorKey.authorized().get("/api/v1/lots/" + lot + "/freezes/x/evidence-bundle").then().statusCode(400);
    }

    @Test
    void aFrozenFreezeWithoutItsTransactionIsRefusedNamingWhatIsMissing() throws SQLException {
        long frozen = insertFreeze(world.victimLotId, "FROZEN", "no-tx");
        as(world.bank2Key).get(path(world.victimLotId, frozen)).then().statusCode(409)
                .body("code", equalTo(EvidenceBundles.BUNDLE_EVIDENCE_MISSING))
                .body("details.field", equalTo("freeze.transaction"));
    }

    @Test
    void aFrozenFreezeCitingAClaimOrMessageTheGatewayDoesNotHoldIsRefusedNamingIt() throws SQLException {
        String unknownClaim = "0x" + "cd".repeat(32);
        long freeze = insertFrozen("unknown-claim", unknownClaim);
        as(world.bank2Key).get(path(world.victimLotId, freeze)).then().statusCode(409)
                .body("code", equalTo(EvidenceBundles.BUNDLE_EVIDENCE_MISSING))
                .body("details.field", equalTo("freeze.runs[0].claims[0]"));

        // a stored claim whose reading's signed message is not kept: (boot, seq) = (99, 99) was never received
        String claim = "0x" + "ce".repeat(32);
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("INSERT INTO run_claims (claim_id, lot_id,"
                + " device_id, quantity, run_first_time, position, reading_keys, public_inputs, arguments, settled_by, latest_arrival)"
                + " VALUES (?, ?, ?, 'temperature', now(), 0, '[[99, 99, 0]]'::jsonb, '[\"0\",\"0\",\"1\",\"27515\",\"28115\","
                + "\"0\",\"0\",\"1\",\"90000\"]'::jsonb, '{}'::jsonb, 'WAIT', now()) ON CONFLICT (claim_id) DO NOTHING")) {
            ps.setString(1, claim);
            ps.setLong(2, world.victimLotId);
            ps.setString(3, world.victimDevice2);
            ps.executeUpdate();
        }
        long withClaim = insertFrozen("missing-message", claim);
        as(world.victimFactoryKey).get(path(world.victimLotId, withClaim)).then().statusCode(409)
                .body("code", equalTo(EvidenceBundles.BUNDLE_EVIDENCE_MISSING))
                .body("details.field", equalTo("devices[0].messages"));
    }

    /** A FROZEN freeze of the victim's lot with its transaction, citing {@code claimId} as its one run. */
    private long insertFrozen(String key, String claimId) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("INSERT INTO freezes (lot_id,"
                + " chain_facility_id, quantity, runs, job_key, state, tx_hash, block_number) VALUES (?, 7, 'temperature',"
                + " jsonb_build_array(jsonb_build_array(?::text)), ?, 'FROZEN', ?, 12) ON CONFLICT (job_key) DO UPDATE"
                + " SET state = excluded.state RETURNING id")) {
            ps.setLong(1, world.victimLotId);
            ps.setString(2, claimId);
            ps.setString(3, "evbun-" + key);
            ps.setString(4, "0x" + "7f".repeat(32));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private long insertFreeze(long lot, String state, String key) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("INSERT INTO freezes (lot_id,"
                + " chain_facility_id, quantity, runs, job_key, state) VALUES (?, 7, 'temperature', '[]'::jsonb, ?, ?)"
                + " ON CONFLICT (job_key) DO UPDATE SET state = excluded.state RETURNING id")) {
            ps.setLong(1, lot);
            ps.setString(2, "evbun-" + key);
            ps.setString(3, state);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
