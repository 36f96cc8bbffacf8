package io.sensorproof.gateway.claims;

import static io.sensorproof.gateway.security.TenancyWorld.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.sensorproof.gateway.EmbeddedPostgresTestResource;
import io.sensorproof.gateway.api.QueryParameters;
import io.sensorproof.gateway.security.TenancyTestSupport;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The claim listing pages like the gateway's other listings ({@code limit}, {@code cursor}, {@code {items,
 * nextCursor}}): a regulator walking a device's claims page by page sees every claim exactly once, newest first,
 * also when several claims share a creation time (the cursor's tie-break is the claim id) and when a claim is
 * planned between two pages (keyset paging, not offsets); a cursor that is not one of this listing is refused.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresTestResource.class)
class ClaimListingIT extends TenancyTestSupport {
    private static final int CLAIMS = 11;
    private static final int PAGE = 4;

    private final List<String> inserted = new ArrayList<>();

    ClaimListingIT() {
        super("cl-");
    }

    @AfterEach
    void removeTheClaims() throws SQLException {
        for (String id : inserted) {
            exec("DELETE FROM run_claims WHERE claim_id = ?", id);
        }
    }

    @Test
    void aRegulatorPagesThroughMoreClaimsThanAPageAndSeesEachOnceNewestFirst() throws Exception {
        Instant base = Instant.now().truncatedTo(ChronoUnit.MICROS).minusSeconds(3600);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < CLAIMS; i++) {
            // claims 4…7 share one creation time: only the claim id orders them, and a page boundary falls among them
            Instant created = i >= 4 && i <= 7 ? base.plusSeconds(4) : base.plusSeconds(i);
            expected.add(claim(i, created));
        }
        // newest first, then by claim id
        List<String> order = new ArrayList<>();
        for (int i = CLAIMS - 1; i > 7; i--) {
            order.add(expected.get(i));
        }
        order.addAll(expected.subList(4, 8).stream().sorted().toList());
        for (int i = 3; i >= 0; i--) {
            order.add(expected.get(i));
        }

        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            String path = "/api/v1/claims?device=" + world.victimDevice + "&limit=" + PAGE + (cursor == null ? "" : "&cursor=" + cursor);
            JsonPath page = as(world.regulatorKey).get(path).then().statusCode(200).extract().jsonPath();
            List<String> items = page.getList("items.claimId", String.class);
            assertThat(items.size()).isLessThanOrEqualTo(PAGE);
            seen.addAll(items);
            cursor = page.getString("nextCursor");
            if (pages == 0) {
                // planned after the first page was read: newer than the cursor, so not on a later page
                claim(99, Instant.now());
            }
            pages++;
        } while (cursor != null && pages < 10);

        assertThat(seen).containsExactlyElementsOf(order);
        assertThat(pages).isEqualTo((CLAIMS + PAGE - 1) / PAGE);
    }

    @Test
    void aCursorOfAnotherListingOrNoCursorAtAllIsRefused() {
        as(world.regulatorKey).get("/api/v1/claims?cursor=" + QueryParameters.encodeCursor("lots", 5)).then().statusCode(400)
                .body("code", equalTo(QueryParameters.INVALID_CURSOR));
        as(world.regulatorKey).get("/api/v1/claims?cursor=" + QueryParameters.encodeCursor("claims", "x", "0x12")).then()
                .statusCode(400).body("code", equalTo(QueryParameters.INVALID_CURSOR));
        as(world.regulatorKey).get("/api/v1/claims?cursor=%%%").then().statusCode(400);
    }

    /** A planned run claim of the world's device, created at {@code created}; returns its id. */
    private String claim(int n, Instant created) throws SQLException {
        String hex = String.format("%02x", n) + world.marker.replaceAll("[^0-9a-f]", "0");
        String id = "0x" + "0".repeat(64 - hex.length()) + hex;
        exec("INSERT INTO run_claims (claim_id, lot_id, device_id, quantity, run_first_time, position, reading_keys, public_inputs,"
                + " arguments, settled_by, latest_arrival, created_at) VALUES (?, ?, ?, 'temperature', ?, ?, '[]'::jsonb, '[]'::jsonb,"
                + " '{}'::jsonb, 'WAIT', now(), ?)", id, world.victimLotId, world.victimDevice, Timestamp.from(created), n,
                Timestamp.from(created));
        inserted.add(id);
        return id;
    }

    private void exec(String sql, Object... args) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }
}
