package io.sensorproof.gateway.claims;

import static io.sensorproof.gateway.security.TenancyWorld.as;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.sensorproof.gateway.EmbeddedPostgresTestResource;
import io.sensorproof.gateway.security.TenancyTestSupport;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The claims listing's proof status ({@link PgClaimProofStatuses}, issue 16): a run claim whose proving job failed
 * shows the job's state, failure code and message and attempts, and no anchoring transaction. (A confirmed job with
 * its transaction and block is checked on a real chain by {@code CollateralFreezeIT}.) The failed job is written
 * directly: nothing in-process fails a proof on purpose, and a FAILED job is never picked up again.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresTestResource.class)
class ClaimProofStatusIT extends TenancyTestSupport {
    ClaimProofStatusIT() {
        super("cps-");
    }

    @AfterEach
    void removeTheClaimAndItsJob() throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement claims = c.prepareStatement(
                "DELETE FROM run_claims WHERE claim_id = ?"); PreparedStatement jobs = c.prepareStatement(
                        "DELETE FROM oracle_jobs WHERE idempotency_key = ?")) {
            claims.setString(1, claimId());
            claims.executeUpdate();
            jobs.setString(1, jobKey());
            jobs.executeUpdate();
        }
    }

    @Test
    void aClaimWhoseProofFailedIsListedWithTheJobsStateCodeAndMessage() throws Exception {
        long job;
        try (Connection c = db.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO oracle_jobs (kind, idempotency_key, payload, state, attempts,"
                    + " next_attempt_at, failure_code, failure_message, created_at, updated_at) VALUES ('run-claim', ?, '{}'::jsonb,"
                    + " 'FAILED', 3, now(), 'PROOF_SELF_VERIFY_FAILED', 'the proof did not verify against the pinned key', now(), now())"
                    + " RETURNING id")) {
                ps.setString(1, jobKey());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    job = rs.getLong(1);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO run_claims (claim_id, lot_id, device_id, quantity, run_first_time,"
                    + " position, reading_keys, public_inputs, arguments, settled_by, latest_arrival, job_id) VALUES (?, ?, ?,"
                    + " 'temperature', now(), 0, '[[1, 0, 0]]'::jsonb, '[\"0\",\"0\",\"1\",\"27515\",\"28115\",\"0\",\"0\",\"1\","
                    + "\"90000\"]'::jsonb, '{}'::jsonb, 'WAIT', now(), ?)")) {
                ps.setString(1, claimId());
                ps.setLong(2, world.victimLotId);
                ps.setString(3, world.victimDevice2);
                ps.setLong(4, job);
                ps.executeUpdate();
            }
        }

        JsonPath listed = as(world.regulatorKey).get("/api/v1/claims?lot=" + world.victimLotId).then().statusCode(200).extract()
                .jsonPath();
        Map<String, Object> claim = listed.getMap("items.find { it.claimId == '" + claimId() + "' }");
        assertThat(claim).as("the claim is listed").isNotNull();
        assertThat(claim.get("quantity")).isEqualTo("temperature");
        assertThat(claim.get("state")).isEqualTo("PLANNED");
        assertThat(claim.get("anchored")).isEqualTo(false);
        @SuppressWarnings("unchecked")
        Map<String, Object> proof = (Map<String, Object>) claim.get("proof");
        assertThat(proof).containsEntry("jobState", "FAILED").containsEntry("failureCode", "PROOF_SELF_VERIFY_FAILED")
                .containsEntry("failureMessage", "the proof did not verify against the pinned key").containsEntry("attempts", 3)
                .containsEntry("transaction", null).containsEntry("block", null);
    }

    private String claimId() {
        try {
            return "0x" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest((world.marker + "-failed-claim").getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String jobKey() {
        return world.marker + "-failed-run-claim-job";
    }
}
