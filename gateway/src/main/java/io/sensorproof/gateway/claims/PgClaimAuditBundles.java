package io.sensorproof.gateway.claims;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sensorproof.gateway.persistence.PersistenceException;
import io.sensorproof.oracle.bundle.AuditBundle;
import io.sensorproof.oracle.bundle.ClaimAuditBundle;
import io.sensorproof.oracle.bundle.ReadingKey;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.zk.claims.EmissionsClaimWitness;
import io.sensorproof.zk.claims.RunClaimWitness;
import java.io.IOException;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Reads the {@link ClaimAuditBundle} of one claim from PostgreSQL over plain JDBC: a run claim
 * ({@code run_claims}, V16: keys, public inputs, settlement, anchor) or an emissions claim
 * ({@code emissions_claims}, V17: the same, settlement as JSON), its readings as stored now
 * ({@code readings}, absent ones as {@code stored: null}), every stored reading of the claim's device and
 * quantity inside its recorded window with its {@code received_at}, the raw messages the claim cites
 * ({@code messages.raw}, kept by V22) and every key the device has had ({@code device_keys}, oldest first).
 * One REPEATABLE READ read-only transaction, so the claim, its readings, the window and the messages are one
 * snapshot. Nothing is recomputed here: the audit compares the record with the signed messages. Also lists
 * claims by device, lot or emissions facility for a regulator to find them.
 */
public final class PgClaimAuditBundles {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** An emissions claim is anchored once its anchor job confirmed it (ANCHORED), and stays so when submitted. */
    private static final String EMISSIONS_ANCHORED = "(state IN ('ANCHORED', 'SUBMITTED') OR anchor_tx IS NOT NULL)";

    private final DataSource dataSource;

    public PgClaimAuditBundles(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** Whether a stored claim is anchored (only an anchored claim is audited). */
    public enum State {
        /** Planned or proving: not on chain yet (or its anchoring failed). */
        NOT_ANCHORED,
        /** Anchored on chain. */
        ANCHORED
    }

    /**
     * One claim of a listing.
     *
     * @param claimId the claim id
     * @param circuit {@code excursion} (run claim) or {@code emissions}
     * @param deviceId its device
     * @param lotId the lot of a run claim
     * @param facilityId the emissions facility of an emissions claim
     * @param periodId the period of an emissions claim
     * @param state the gateway's state of the claim ({@code PLANNED}, {@code ANCHORED}, {@code SUBMITTED}, {@code FAILED})
     * @param anchored whether it is anchored (auditable)
     * @param firstTime first reading time (ms)
     * @param lastTime last reading time (ms)
     * @param count readings in it
     * @param anchorTransaction the anchoring transaction, when recorded
     * @param createdAt when the claim was planned
     */
    public record ClaimRow(String claimId, String circuit, String deviceId, Optional<Long> lotId, Optional<Long> facilityId,
            Optional<Long> periodId, String state, boolean anchored, long firstTime, long lastTime, long count,
            Optional<String> anchorTransaction, Instant createdAt) {
    }

    /** A stored claim's state, empty when no claim has this id. */
    public Optional<State> state(String claimId) {
        return run("claim audit: state", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT state = 'ANCHORED' FROM run_claims WHERE claim_id = ?"
                    + " UNION ALL SELECT " + EMISSIONS_ANCHORED + " FROM emissions_claims WHERE claim_id = ?")) {
                ps.setString(1, claimId);
                ps.setString(2, claimId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getBoolean(1) ? State.ANCHORED : State.NOT_ANCHORED) : Optional.empty();
                }
            }
        });
    }

    /**
     * Where a page of the claim listing ends: the last claim's creation time (µs since the epoch, the column's
     * precision) and id; the next page starts after it in the listing's order (newest first, then by id).
     */
    public record ListPosition(long createdMicros, String claimId) {
        public ListPosition {
            Objects.requireNonNull(claimId, "claimId");
        }

        /** The position of a listed claim. */
        public static ListPosition of(ClaimRow row) {
            Instant t = row.createdAt();
            return new ListPosition(Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000),
                    row.claimId());
        }
    }

    /**
     * Claims, newest first, filtered by whichever of device, lot and emissions facility are given.
     *
     * @param limit at most this many
     */
    public List<ClaimRow> list(Optional<String> deviceId, Optional<Long> lotId, Optional<Long> facilityId, int limit) {
        return list(deviceId, lotId, facilityId, Optional.empty(), limit);
    }

    /**
     * Claims, newest first (then by id), filtered by whichever of device, lot and emissions facility are given,
     * after {@code after} in that order when given (keyset paging: a claim planned meanwhile never shifts a page).
     *
     * @param limit at most this many
     */
    public List<ClaimRow> list(Optional<String> deviceId, Optional<Long> lotId, Optional<Long> facilityId,
            Optional<ListPosition> after, int limit) {
        String sql = "SELECT claim_id, circuit, device_id, lot_id, facility_id, period_id, state, anchored, public_inputs::text,"
                + " anchor_tx, created_at FROM ("
                + " SELECT claim_id, 'excursion' AS circuit, device_id, lot_id, NULL::bigint AS facility_id, NULL::bigint AS period_id,"
                + " state, state = 'ANCHORED' AS anchored, public_inputs, anchor_tx_hash AS anchor_tx, created_at FROM run_claims"
                + " UNION ALL SELECT claim_id, 'emissions', device_id, NULL::bigint, facility_id, period_id, state, "
                + EMISSIONS_ANCHORED + ", public_inputs, anchor_tx, created_at FROM emissions_claims) c"
                + " WHERE (?::text IS NULL OR device_id = ?) AND (?::bigint IS NULL OR lot_id = ?)"
                + " AND (?::bigint IS NULL OR facility_id = ?)"
                + " AND (?::bigint IS NULL OR created_at < timestamptz 'epoch' + ?::bigint * interval '1 microsecond'"
                + " OR (created_at = timestamptz 'epoch' + ?::bigint * interval '1 microsecond' AND claim_id > ?::text))"
                + " ORDER BY created_at DESC, claim_id LIMIT ?";
        return run("claim audit: list", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, deviceId.orElse(null));
                ps.setString(2, deviceId.orElse(null));
                setLong(ps, 3, lotId);
                setLong(ps, 4, lotId);
                setLong(ps, 5, facilityId);
                setLong(ps, 6, facilityId);
                Optional<Long> micros = after.map(ListPosition::createdMicros);
                setLong(ps, 7, micros);
                setLong(ps, 8, micros);
                setLong(ps, 9, micros);
                ps.setString(10, after.map(ListPosition::claimId).orElse(null));
                ps.setInt(11, limit);
                List<ClaimRow> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String circuit = rs.getString(2);
                        List<BigInteger> inputs = inputs(rs.getString(9));
                        List<String> names = ClaimAuditBundle.Claim.inputNames(circuit);
                        long first = inputs.size() == 9 ? inputs.get(names.indexOf("firstTime")).longValue() : 0;
                        long last = inputs.size() == 9 ? inputs.get(names.indexOf("lastTime")).longValue() : 0;
                        long count = inputs.size() == 9 ? inputs.get(names.indexOf("count")).longValue() : 0;
                        out.add(new ClaimRow(rs.getString(1), circuit, rs.getString(3), optionalLong(rs, 4), optionalLong(rs, 5),
                                optionalLong(rs, 6), rs.getString(7), rs.getBoolean(8), first, last, count,
                                Optional.ofNullable(rs.getString(10)), rs.getTimestamp(11).toInstant()));
                    }
                }
                return out;
            }
        });
    }

    /**
     * The audit bundle of an anchored claim; empty when there is no anchored claim {@code claimId}.
     *
     * @param chainId the chain the gateway anchors on, when it knows one
     * @param registry the AnchorRegistry it anchors at, when it knows one
     */
    public Optional<ClaimAuditBundle> bundle(String claimId, Optional<Long> chainId, Optional<String> registry) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            try {
                Optional<ClaimAuditBundle> bundle = read(c, claimId, chainId, registry);
                c.commit();
                return bundle;
            } catch (SQLException | IOException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setReadOnly(false);
            }
        } catch (SQLException | IOException e) {
            throw new PersistenceException("reading the audit bundle of claim " + claimId, e);
        }
    }

    /** The claim row as recorded, before its readings are read. */
    private record Recorded(ClaimAuditBundle.Claim claim, String keysJson) {
    }

    private static Optional<ClaimAuditBundle> read(Connection c, String claimId, Optional<Long> chainId,
            Optional<String> registry) throws SQLException, IOException {
        Optional<Recorded> recorded = runClaim(c, claimId);
        if (recorded.isEmpty()) {
            recorded = emissionsClaim(c, claimId);
        }
        if (recorded.isEmpty()) {
            return Optional.empty();
        }
        ClaimAuditBundle.Claim claim = recorded.get().claim();
        String device = claim.deviceId();
        List<ClaimAuditBundle.Member> members = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT k.boot, k.seq, k.rec, r.quantity, r.reading_time, r.value FROM"
                + " (SELECT ord, (e ->> 0)::bigint AS boot, (e ->> 1)::bigint AS seq, (e ->> 2)::int AS rec"
                + "  FROM jsonb_array_elements(?::jsonb) WITH ORDINALITY AS t (e, ord)) k"
                + " LEFT JOIN readings r ON r.device_id = ? AND r.boot = k.boot AND r.seq = k.seq AND r.record_index = k.rec"
                + " ORDER BY k.ord")) {
            ps.setString(1, recorded.get().keysJson());
            ps.setString(2, device);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ReadingKey key = new ReadingKey(device, rs.getLong(1), rs.getLong(2), rs.getInt(3));
                    Timestamp time = rs.getTimestamp(5);
                    Optional<AuditBundle.Stored> stored = time == null ? Optional.empty()
                            : Optional.of(new AuditBundle.Stored(rs.getInt(4), time.toInstant().toEpochMilli(), rs.getLong(6)));
                    members.add(new ClaimAuditBundle.Member(key, stored));
                }
            }
        }
        List<ClaimAuditBundle.WindowReading> window = new ArrayList<>();
        long from = claim.input("firstTime").longValue();
        long to = claim.input("lastTime").longValue();
        try (PreparedStatement ps = c.prepareStatement("SELECT boot, seq, record_index, reading_time, value, received_at"
                + " FROM readings WHERE device_id = ? AND quantity = ? AND reading_time BETWEEN ? AND ?"
                + " ORDER BY reading_time, boot, seq, record_index")) {
            ps.setString(1, device);
            ps.setInt(2, claim.quantity());
            ps.setTimestamp(3, Timestamp.from(Instant.ofEpochMilli(from)));
            ps.setTimestamp(4, Timestamp.from(Instant.ofEpochMilli(to)));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    window.add(new ClaimAuditBundle.WindowReading(new ReadingKey(device, rs.getLong(1), rs.getLong(2),
                            rs.getInt(3)), rs.getTimestamp(4).toInstant().toEpochMilli(), rs.getLong(5),
                            rs.getTimestamp(6).toInstant().toEpochMilli()));
                }
            }
        }
        List<AuditBundle.Message> messages = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT m.boot, m.seq, m.raw FROM messages m WHERE m.device_id = ?"
                + " AND (m.boot, m.seq) IN (SELECT (e ->> 0)::bigint, (e ->> 1)::bigint FROM jsonb_array_elements(?::jsonb) e)"
                + " ORDER BY m.boot, m.seq")) {
            ps.setString(1, device);
            ps.setString(2, recorded.get().keysJson());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    messages.add(new AuditBundle.Message(device, rs.getLong(1), rs.getLong(2), rs.getBytes(3)));
                }
            }
        }
        // every key with its ML-DSA partner when the device was hybrid under it (V26, ADR 029)
        List<byte[]> keys = new ArrayList<>();
        List<Optional<byte[]>> partners = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT k.spki, h.spki FROM device_keys k LEFT JOIN device_hybrid_keys h"
                + " ON h.classical_kid = k.kid AND h.device_id = k.device_id WHERE k.device_id = ? ORDER BY k.created_at, k.kid")) {
            ps.setString(1, device);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.add(rs.getBytes(1));
                    partners.add(Optional.ofNullable(rs.getBytes(2)));
                }
            }
        }
        return Optional.of(new ClaimAuditBundle(chainId, registry, claim, members, window, messages,
                List.of(new AuditBundle.DeviceKeys(device, keys, partners))));
    }

    private static Optional<Recorded> runClaim(Connection c, String claimId) throws SQLException, IOException {
        try (PreparedStatement ps = c.prepareStatement("SELECT device_id, quantity, public_inputs::text, reading_keys::text,"
                + " settled_by, latest_arrival, anchor_tx_hash, anchor_block FROM run_claims"
                + " WHERE claim_id = ? AND state = 'ANCHORED'")) {
            ps.setString(1, claimId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                List<BigInteger> inputs = inputs(rs.getString(3));
                Quantity named = Quantity.bySenmlName(rs.getString(2));
                // the lot's watch names the quantity; an unknown name falls back to the proven input (the audit compares)
                int quantity = named != null ? named.code() : inputs.get(2).intValue();
                long block = rs.getLong(8);
                Optional<Long> anchorBlock = rs.wasNull() ? Optional.empty() : Optional.of(block);
                return Optional.of(new Recorded(new ClaimAuditBundle.Claim(claimId, RunClaimWitness.CIRCUIT, rs.getString(1),
                        quantity, inputs, rs.getString(5), rs.getTimestamp(6).toInstant().toEpochMilli(),
                        Optional.ofNullable(rs.getString(7)), anchorBlock), rs.getString(4)));
            }
        }
    }

    private static Optional<Recorded> emissionsClaim(Connection c, String claimId) throws SQLException, IOException {
        try (PreparedStatement ps = c.prepareStatement("SELECT device_id, public_inputs::text, reading_keys::text, settlement::text,"
                + " anchor_tx FROM emissions_claims WHERE claim_id = ? AND " + EMISSIONS_ANCHORED)) {
            ps.setString(1, claimId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                JsonNode settlement = JSON.readTree(rs.getString(4));
                return Optional.of(new Recorded(new ClaimAuditBundle.Claim(claimId, EmissionsClaimWitness.CIRCUIT,
                        rs.getString(1), Quantity.CO2E_REGISTER.code(), inputs(rs.getString(2)),
                        settlement.path("basis").asText(), settlement.path("lastArrivalMillis").asLong(),
                        Optional.ofNullable(rs.getString(5)), Optional.empty()), rs.getString(3)));
            }
        }
    }

    /** The stored public inputs (decimal strings, or 0x hex). */
    private static List<BigInteger> inputs(String json) throws IOException {
        List<BigInteger> out = new ArrayList<>();
        for (JsonNode n : JSON.readTree(json)) {
            String text = n.asText();
            out.add(text.startsWith("0x") ? new BigInteger(text.substring(2), 16) : new BigInteger(text));
        }
        return out;
    }

    private static void setLong(PreparedStatement ps, int index, Optional<Long> value) throws SQLException {
        if (value.isPresent()) {
            ps.setLong(index, value.get());
        } else {
            ps.setNull(index, Types.BIGINT);
        }
    }

    private static Optional<Long> optionalLong(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(value);
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException, IOException;
    }

    private <T> T run(String operation, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException | IOException e) {
            throw new PersistenceException(operation, e);
        }
    }
}
