package io.sensorproof.gateway.batches;

import io.sensorproof.oracle.batches.BatchNodes;
import io.sensorproof.oracle.bundle.AuditBundle;
import io.sensorproof.oracle.bundle.ReadingKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Reads the {@link AuditBundle} of one commitment batch from PostgreSQL (V15 {@code commitment_batches},
 * {@code batch_members}; {@code readings}, {@code messages.raw}, {@code device_keys}) over plain JDBC,
 * in one REPEATABLE READ read-only transaction so the batch, its members, their stored readings and
 * raw messages are one snapshot. The recorded leaves are the batch's stored tree nodes
 * ({@link BatchNodes}), not recomputed: the audit must compare what the gateway recorded with what the
 * signed messages give. A member whose reading is gone is exported with {@code stored: null}, a
 * message that is gone is left out (both impossible while V15's foreign keys and V19's triggers stand;
 * the audit reports them if it ever happens). Device keys: every key the device has had
 * ({@code device_keys}, renewals and revocations included), oldest first.
 */
public final class PgAuditBundles {
    private final DataSource dataSource;

    public PgAuditBundles(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** A batch's state as the ledger records it. */
    public enum State {
        /** Sealed, its anchor not confirmed yet. */
        SEALED,
        /** Anchored on chain. */
        ANCHORED
    }

    /** The batch's state, empty when there is no such batch. */
    public Optional<State> state(long batchId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT state FROM commitment_batches WHERE id = ?")) {
            ps.setLong(1, batchId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(State.valueOf(rs.getString(1))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new BatchStoreException("reading a batch's state", e);
        }
    }

    /**
     * The audit bundle of an anchored batch; empty when there is no anchored batch {@code batchId}.
     *
     * @param chainId the chain the gateway anchors on, when it knows one
     */
    public Optional<AuditBundle> bundle(long batchId, Optional<Long> chainId) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            try {
                Optional<AuditBundle> bundle = read(c, batchId, chainId);
                c.commit();
                return bundle;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setReadOnly(false);
            }
        } catch (SQLException e) {
            throw new BatchStoreException("reading the audit bundle of batch " + batchId, e);
        }
    }

    private static Optional<AuditBundle> read(Connection c, long batchId, Optional<Long> chainId) throws SQLException {
        AuditBundle.Batch batch;
        String registry;
        BatchNodes nodes;
        try (PreparedStatement ps = c.prepareStatement("SELECT size, root, first_time, last_time, sealed_at, nodes, anchor_tx_hash,"
                + " anchor_block, anchor_contract FROM commitment_batches WHERE id = ? AND state = 'ANCHORED'")) {
            ps.setLong(1, batchId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                int size = rs.getInt(1);
                nodes = BatchNodes.fromBytes(size, rs.getBytes(6));
                batch = new AuditBundle.Batch(batchId, rs.getBigDecimal(2).toBigIntegerExact(), size,
                        rs.getTimestamp(3).toInstant().toEpochMilli(), rs.getTimestamp(4).toInstant().toEpochMilli(),
                        rs.getTimestamp(5).toInstant().toEpochMilli(), rs.getString(7), rs.getLong(8));
                registry = rs.getString(9);
            }
        }
        List<AuditBundle.Member> members = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT m.leaf_index, m.device_id, m.boot, m.seq, m.record_index,"
                + " r.quantity, r.reading_time, r.value FROM batch_members m"
                + " LEFT JOIN readings r USING (device_id, boot, seq, record_index)"
                + " WHERE m.batch_id = ? ORDER BY m.leaf_index")) {
            ps.setLong(1, batchId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int slot = rs.getInt(1);
                    if (slot != members.size()) {
                        throw new IllegalStateException("batch " + batchId + " has no member in slot " + members.size());
                    }
                    ReadingKey key = new ReadingKey(rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getInt(5));
                    Optional<AuditBundle.Stored> stored = rs.getTimestamp(7) == null ? Optional.empty()
                            : Optional.of(new AuditBundle.Stored(rs.getInt(6), rs.getTimestamp(7).toInstant().toEpochMilli(),
                                    rs.getLong(8)));
                    members.add(new AuditBundle.Member(key, nodes.leaf(slot), stored));
                }
            }
        }
        List<AuditBundle.Message> messages = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT msg.device_id, msg.boot, msg.seq, msg.raw FROM messages msg"
                + " WHERE (msg.device_id, msg.boot, msg.seq) IN (SELECT device_id, boot, seq FROM batch_members WHERE batch_id = ?)"
                + " ORDER BY msg.device_id, msg.boot, msg.seq")) {
            ps.setLong(1, batchId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    messages.add(new AuditBundle.Message(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getBytes(4)));
                }
            }
        }
        // every key with its ML-DSA partner when the device was hybrid under it (V26, ADR 029)
        Map<String, List<byte[]>> keys = new LinkedHashMap<>();
        Map<String, List<Optional<byte[]>>> partners = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT k.device_id, k.spki, h.spki FROM device_keys k"
                + " LEFT JOIN device_hybrid_keys h ON h.classical_kid = k.kid AND h.device_id = k.device_id WHERE k.device_id IN"
                + " (SELECT DISTINCT device_id FROM batch_members WHERE batch_id = ?) ORDER BY k.device_id, k.created_at, k.kid")) {
            ps.setLong(1, batchId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.computeIfAbsent(rs.getString(1), d -> new ArrayList<>()).add(rs.getBytes(2));
                    partners.computeIfAbsent(rs.getString(1), d -> new ArrayList<>()).add(Optional.ofNullable(rs.getBytes(3)));
                }
            }
        }
        List<AuditBundle.DeviceKeys> devices = new ArrayList<>();
        members.stream().map(m -> m.key().deviceId()).distinct().sorted().forEach(d ->
                devices.add(new AuditBundle.DeviceKeys(d, keys.getOrDefault(d, List.of()), partners.getOrDefault(d, List.of()))));
        return Optional.of(new AuditBundle(chainId, registry, batch, members, messages, devices));
    }
}
