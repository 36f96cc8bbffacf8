package io.sensorproof.gateway.carbon;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sensorproof.gateway.carbon.CarbonChain.ChainPeriod;
import io.sensorproof.gateway.persistence.PersistenceException;
import io.sensorproof.oracle.planning.ClaimKeys;
import io.sensorproof.oracle.planning.EmissionsChunk;
import io.sensorproof.oracle.planning.MessageId;
import io.sensorproof.oracle.planning.ReadingKey;
import io.sensorproof.oracle.planning.StoredReading;
import io.sensorproof.protocol.ids.Identifiers;
import io.sensorproof.zk.claims.CommittedReading;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The carbon loop's tables (V17) and the reads it plans from (register readings, accounted message
 * ids), with blocking JDBC on the loop's own thread. Every write is idempotent (primary and unique keys,
 * {@code ON CONFLICT DO NOTHING}), so a round that runs again after a crash changes nothing it did.
 */
public final class PgCarbon {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource dataSource;

    public PgCarbon(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** A gateway facility linked to a CarbonCredit facility. */
    public record LinkedFacility(long id, long chainFacilityId, List<String> devices) {}

    /** A period the gateway tracks. */
    public record TrackedPeriod(long facilityId, long chainFacilityId, long periodId, long startSeconds, long endSeconds,
            long maxGapMs, List<String> devices, String state, Optional<Long> closeJob, Optional<Long> mintJob) {}

    /** A stored claim row. */
    public record StoredClaim(String claimId, String deviceId, int chainIndex, ClaimKeys keys, Optional<Long> anchorJob,
            Optional<Long> submitJob, String state) {}

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T run(String operation, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new PersistenceException(operation, e);
        }
    }

    /** Facilities with a chain facility id, with their devices. */
    public List<LinkedFacility> linkedFacilities() {
        return run("carbon: linked facilities", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT f.id, f.chain_facility_id::bigint AS chain_id,"
                    + " (SELECT array_agg(d.device_id ORDER BY d.device_id) FROM emission_facility_devices d WHERE d.facility_id = f.id)"
                    + " AS devices FROM emission_facilities f WHERE f.chain_facility_id IS NOT NULL ORDER BY f.id")) {
                List<LinkedFacility> out = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        out.add(new LinkedFacility(r.getLong("id"), r.getLong("chain_id"), strings(r.getArray("devices"))));
                    }
                }
                return out;
            }
        });
    }

    /** Periods of {@code facilityId} the gateway tracks, by period id. */
    public List<TrackedPeriod> periods(long facilityId) {
        return run("carbon: periods", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT facility_id, chain_facility_id::bigint AS chain_id, period_id,"
                    + " start_seconds, end_seconds, max_gap_ms, devices, state, close_job_id, mint_job_id FROM carbon_periods"
                    + " WHERE facility_id = ? ORDER BY period_id")) {
                s.setLong(1, facilityId);
                List<TrackedPeriod> out = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        out.add(new TrackedPeriod(r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4), r.getLong(5), r.getLong(6),
                                strings(r.getArray(7)), r.getString(8), optionalLong(r, 9), optionalLong(r, 10)));
                    }
                }
                return out;
            }
        });
    }

    /** Starts tracking a chain period (no-op if tracked). */
    public void trackPeriod(long facilityId, ChainPeriod p, List<String> devices) {
        run("carbon: track period", c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO carbon_periods (facility_id, chain_facility_id, period_id,"
                    + " start_seconds, end_seconds, baseline_kg, max_gap_ms, substitute_rate_kg_per_hour, devices, state)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'OPEN') ON CONFLICT DO NOTHING")) {
                s.setLong(1, facilityId);
                s.setBigDecimal(2, BigDecimal.valueOf(p.facilityId()));
                s.setLong(3, p.periodId());
                s.setLong(4, p.startSeconds());
                s.setLong(5, p.endSeconds());
                s.setLong(6, p.baselineKg());
                s.setLong(7, p.maxGapMs());
                s.setLong(8, p.substituteRateKgPerHour());
                s.setArray(9, c.createArrayOf("text", devices.toArray()));
                return s.executeUpdate();
            }
        });
    }

    /** Records the gateway's view of a period, and its close/mint job and minted amount when known. */
    public void updatePeriod(long facilityId, long periodId, String state, Optional<Long> closeJob, Optional<Long> mintJob,
            Optional<BigInteger> mintedAmount) {
        run("carbon: update period", c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE carbon_periods SET state = ?,"
                    + " close_job_id = COALESCE(close_job_id, ?), mint_job_id = COALESCE(mint_job_id, ?),"
                    + " minted_amount = COALESCE(?, minted_amount), updated_at = now() WHERE facility_id = ? AND period_id = ?")) {
                s.setString(1, state);
                s.setObject(2, closeJob.orElse(null));
                s.setObject(3, mintJob.orElse(null));
                s.setBigDecimal(4, mintedAmount.map(BigDecimal::new).orElse(null));
                s.setLong(5, facilityId);
                s.setLong(6, periodId);
                return s.executeUpdate();
            }
        });
    }

    /** Records a device's planning outcome (status, or the refusal's code and message). */
    public void deviceStatus(long facilityId, long periodId, String deviceId, Optional<String> planStatus,
            Optional<String> refusalCode, Optional<String> refusalMessage) {
        run("carbon: device status", c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO carbon_period_devices (facility_id, period_id, device_id,"
                    + " plan_status, refusal_code, refusal_message) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (facility_id, period_id,"
                    + " device_id) DO UPDATE SET plan_status = EXCLUDED.plan_status, refusal_code = EXCLUDED.refusal_code,"
                    + " refusal_message = EXCLUDED.refusal_message, updated_at = now()")) {
                s.setLong(1, facilityId);
                s.setLong(2, periodId);
                s.setString(3, deviceId);
                s.setString(4, planStatus.orElse(null));
                s.setString(5, refusalCode.orElse(null));
                s.setString(6, refusalMessage.orElse(null));
                return s.executeUpdate();
            }
        });
    }

    /** A device's claims in a period, in chain order. */
    public List<StoredClaim> claims(long facilityId, long periodId, String deviceId) {
        return run("carbon: claims", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT claim_id, device_id, chain_index, reading_keys::text, anchor_job_id,"
                    + " submit_job_id, state FROM emissions_claims WHERE facility_id = ? AND period_id = ? AND device_id = ?"
                    + " ORDER BY chain_index")) {
                s.setLong(1, facilityId);
                s.setLong(2, periodId);
                s.setString(3, deviceId);
                List<StoredClaim> out = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        out.add(new StoredClaim(r.getString(1), r.getString(2), r.getInt(3), keys(r.getString(4), Identifiers.deviceField(deviceId)),
                                optionalLong(r, 5), optionalLong(r, 6), r.getString(7)));
                    }
                }
                return out;
            }
        });
    }

    /** Stores a newly planned claim at {@code chainIndex} (no-op if that claim id is stored). */
    public void insertClaim(long facilityId, long periodId, String deviceId, int chainIndex, String claimId, EmissionsChunk chunk) {
        ArrayNode keys = JSON.createArrayNode();
        chunk.keys().keys().forEach(k -> keys.addArray().add(k.boot()).add(k.seq()).add(k.recordIndex()));
        ArrayNode inputs = JSON.createArrayNode();
        chunk.request().publicInputs().forEach(i -> inputs.add(i.toString()));
        ObjectNode settlement = JSON.createObjectNode().put("basis", chunk.settlement().basis().name())
                .put("lastArrivalMillis", chunk.settlement().lastArrivalMillis());
        chunk.settlement().firstHole().ifPresent(h -> settlement.put("firstHole", h.toString()));
        run("carbon: insert claim", c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO emissions_claims (claim_id, facility_id, period_id, device_id,"
                    + " chain_index, reading_keys, public_inputs, settlement, state) VALUES (?, ?, ?, ?, ?, ?::jsonb, ?::jsonb,"
                    + " ?::jsonb, 'PLANNED') ON CONFLICT DO NOTHING")) {
                s.setString(1, claimId);
                s.setLong(2, facilityId);
                s.setLong(3, periodId);
                s.setString(4, deviceId);
                s.setInt(5, chainIndex);
                s.setString(6, keys.toString());
                s.setString(7, inputs.toString());
                s.setString(8, settlement.toString());
                return s.executeUpdate();
            }
        });
    }

    /** Notes a claim's anchor job. */
    public void anchorJob(String claimId, long jobId) {
        update("UPDATE emissions_claims SET anchor_job_id = ?, updated_at = now() WHERE claim_id = ? AND anchor_job_id IS NULL",
                jobId, claimId);
    }

    /** Notes a claim's submission job. */
    public void submitJob(String claimId, long jobId) {
        update("UPDATE emissions_claims SET submit_job_id = ?, updated_at = now() WHERE claim_id = ? AND submit_job_id IS NULL",
                jobId, claimId);
    }

    /** Records a claim's state, with its proof and transactions once known. */
    public void claimState(String claimId, String state, Optional<String> proof, Optional<String> anchorTx,
            Optional<String> submitTx) {
        run("carbon: claim state", c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE emissions_claims SET state = ?, proof = COALESCE(?::jsonb, proof),"
                    + " anchor_tx = COALESCE(?, anchor_tx), submit_tx = COALESCE(?, submit_tx), updated_at = now()"
                    + " WHERE claim_id = ? AND (state <> ? OR proof IS NULL AND ?::text IS NOT NULL)")) {
                s.setString(1, state);
                s.setString(2, proof.orElse(null));
                s.setString(3, anchorTx.orElse(null));
                s.setString(4, submitTx.orElse(null));
                s.setString(5, claimId);
                s.setString(6, state);
                s.setString(7, proof.orElse(null));
                return s.executeUpdate();
            }
        });
    }

    /**
     * The device's co2e-register readings from {@code startMs} (inclusive) before {@code endMs}, plus the
     * first one at or after {@code endMs} (the planner needs it to know the period's last reading).
     */
    public List<StoredReading> registerReadings(String deviceId, long startMs, long endMs) {
        BigInteger field = Identifiers.deviceField(deviceId);
        String columns = "SELECT boot, seq, record_index, quantity, value, (extract(epoch FROM reading_time) * 1000)::bigint,"
                + " (extract(epoch FROM received_at) * 1000)::bigint FROM readings WHERE device_id = ? AND quantity = ?";
        return run("carbon: register readings", c -> {
            List<StoredReading> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("(" + columns + " AND reading_time >= ? AND reading_time < ?)"
                    + " UNION ALL (" + columns + " AND reading_time >= ? ORDER BY reading_time LIMIT 1)")) {
                s.setString(1, deviceId);
                s.setInt(2, CommittedReading.CO2E_REGISTER);
                s.setTimestamp(3, new Timestamp(startMs));
                s.setTimestamp(4, new Timestamp(endMs));
                s.setString(5, deviceId);
                s.setInt(6, CommittedReading.CO2E_REGISTER);
                s.setTimestamp(7, new Timestamp(endMs));
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        out.add(new StoredReading(new CommittedReading(field, r.getLong(1), r.getLong(2), r.getInt(3), r.getInt(4),
                                r.getLong(6), r.getLong(5)), r.getLong(7)));
                    }
                }
            }
            return out;
        });
    }

    /** The device's accounted message ids (stored, or quarantined after authentication) in boots {@code fromBoot..toBoot}. */
    public List<MessageId> accountedMessages(String deviceId, long fromBoot, long toBoot) {
        return run("carbon: accounted messages", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT boot, seq FROM messages WHERE device_id = ? AND boot BETWEEN ? AND ?"
                    + " UNION SELECT boot, seq FROM quarantine WHERE claimed_device = ? AND authenticated AND boot BETWEEN ? AND ?"
                    + " AND seq IS NOT NULL")) {
                s.setString(1, deviceId);
                s.setLong(2, fromBoot);
                s.setLong(3, toBoot);
                s.setString(4, deviceId);
                s.setLong(5, fromBoot);
                s.setLong(6, toBoot);
                List<MessageId> out = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        out.add(new MessageId(r.getLong(1), r.getLong(2)));
                    }
                }
                return out;
            }
        });
    }

    private void update(String sql, long id, String claimId) {
        run("carbon: update claim", c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setLong(1, id);
                s.setString(2, claimId);
                return s.executeUpdate();
            }
        });
    }

    private static ClaimKeys keys(String json, BigInteger field) throws SQLException {
        try {
            List<ReadingKey> keys = new ArrayList<>();
            JSON.readTree(json).forEach(k -> keys.add(new ReadingKey(field, k.get(0).asLong(), k.get(1).asLong(),
                    k.get(2).asInt())));
            return new ClaimKeys(keys);
        } catch (IOException e) {
            throw new SQLException("reading_keys is not JSON", e);
        }
    }

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : List.of((String[]) array.getArray());
    }

    private static Optional<Long> optionalLong(ResultSet r, int column) throws SQLException {
        long v = r.getLong(column);
        return r.wasNull() ? Optional.empty() : Optional.of(v);
    }
}
