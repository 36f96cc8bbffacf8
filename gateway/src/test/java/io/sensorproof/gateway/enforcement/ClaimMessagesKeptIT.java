package io.sensorproof.gateway.enforcement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.sensorproof.gateway.EmbeddedPostgresTestResource;
import io.sensorproof.gateway.security.TenancyTestSupport;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * V22 (ADR 031): a raw signed message whose readings a run claim or an emissions claim cites is kept — its
 * deletion, the rewrite of its bytes and a TRUNCATE of {@code messages} are refused — while a message no
 * claim cites stays deletable, also one whose (boot, seq) appear swapped in a claim's key.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresTestResource.class)
class ClaimMessagesKeptIT extends TenancyTestSupport {
    private static final long BOOT = 901;

    private final String tag = UUID.randomUUID().toString().replace("-", "");

    ClaimMessagesKeptIT() {
        super("cmk-");
    }

    @AfterEach
    void removeClaims() throws SQLException {
        exec("DELETE FROM run_claims WHERE claim_id = ?", claimId("r"));
        exec("DELETE FROM emissions_claims WHERE claim_id = ?", claimId("e"));
    }

    @Test
    void messagesCitedByAClaimAreKeptAndOthersAreNot() throws Exception {
        long period = world.victimCarbonPeriodId();
        for (long seq = 1; seq <= 4; seq++) {
            exec("INSERT INTO messages (device_id, boot, seq, content_digest, raw, received_at, record_count)"
                    + " VALUES (?, ?, ?, ?, ?, now(), 1) ON CONFLICT DO NOTHING", world.victimDevice, BOOT, seq, new byte[32],
                    new byte[] {(byte) seq});
        }
        // (901, 1) by a run claim, (901, 2) by an emissions claim; the run claim's [4, 901, 0] is (boot 4, seq 901), not (901, 4)
        exec("INSERT INTO run_claims (claim_id, lot_id, device_id, quantity, run_first_time, position, reading_keys,"
                + " public_inputs, arguments, settled_by, latest_arrival) VALUES (?, ?, ?, 'temperature', now(), 0,"
                + " ?::jsonb, '[]'::jsonb, '[]'::jsonb, 'WAIT', now())", claimId("r"), world.victimLotId, world.victimDevice,
                "[[" + BOOT + ", 1, 0], [4, " + BOOT + ", 0]]");
        exec("INSERT INTO emissions_claims (claim_id, facility_id, period_id, device_id, chain_index, reading_keys, public_inputs,"
                + " settlement, state) VALUES (?, ?, ?, ?, ?, ?::jsonb, '[]'::jsonb, '{}'::jsonb, 'PLANNED')", claimId("e"),
                world.victimFacilityId, period, world.victimDevice, (int) (Math.abs(tag.hashCode()) % 1_000_000),
                "[[" + BOOT + ", 2, 0]]");

        refused("DELETE FROM messages WHERE device_id = ? AND boot = ? AND seq = 1");
        refused("DELETE FROM messages WHERE device_id = ? AND boot = ? AND seq = 2");
        refused("UPDATE messages SET raw = '\\x00'::bytea WHERE device_id = ? AND boot = ? AND seq = 1");
        refused("UPDATE messages SET content_digest = '\\x01'::bytea WHERE device_id = ? AND boot = ? AND seq = 2");
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                // V19's TRUNCATE guard fires first when any batch exists: switched off inside this rolled-back transaction
                s.execute("ALTER TABLE messages DISABLE TRIGGER messages_batched_kept_truncate");
                assertThatThrownBy(() -> s.execute("TRUNCATE messages CASCADE")).isInstanceOf(SQLException.class)
                        .hasMessageContaining("claims cite its messages");
            } finally {
                c.rollback();
            }
        }

        assertThat(exec("DELETE FROM messages WHERE device_id = ? AND boot = ? AND seq = 4", world.victimDevice, BOOT))
                .as("not cited: (boot 4, seq 901) is another message").isEqualTo(1);
        assertThat(exec("DELETE FROM messages WHERE device_id = ? AND boot = ? AND seq = 3", world.victimDevice, BOOT)).isEqualTo(1);
        assertThat(count()).as("the cited messages are there").isEqualTo(2);
    }

    private void refused(String sql) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, world.victimDevice);
            ps.setLong(2, BOOT);
            assertThatThrownBy(ps::executeUpdate).as(sql).isInstanceOf(SQLException.class)
                    .hasMessageContaining("carries readings of a claim and is kept");
        }
    }

    private String claimId(String kind) {
        return "0x" + HexFormat.of().formatHex(kind.getBytes()) + tag + "0".repeat(64 - 2 * kind.length() - tag.length());
    }

    private long count() throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM messages WHERE device_id = ? AND boot = ?")) {
            ps.setString(1, world.victimDevice);
            ps.setLong(2, BOOT);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private int exec(String sql, Object... args) throws SQLException {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        }
    }
}
