package io.sensorproof.gateway.batches;

import io.sensorproof.oracle.batches.AnchorReceipt;
import io.sensorproof.oracle.batches.BatchError;
import io.sensorproof.oracle.batches.BatchException;
import io.sensorproof.oracle.batches.BatchLedger;
import io.sensorproof.oracle.batches.BatchReading;
import io.sensorproof.oracle.batches.CommitmentBatch;
import io.sensorproof.oracle.batches.ReadingKey;
import io.sensorproof.oracle.batches.SealedBatch;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * The {@link BatchLedger} in PostgreSQL (V15: {@code readings.ingest_xid}, {@code commitment_batches},
 * {@code batch_members}), over plain JDBC on the gateway's JDBC pool, never the reactive pool that
 * ingestion writes with, so sealing (seconds of Poseidon hashing) never holds an ingest connection.
 *
 * <p><b>One sealer at a time: an advisory lock, not {@code FOR UPDATE SKIP LOCKED}.</b> Each seal is
 * one transaction that first takes {@code pg_try_advisory_xact_lock(}{@value #LOCK_CLASS}{@code , 1)};
 * a replica that does not get it seals nothing this round. Row locks on the unbatched readings would
 * write a lock mark into every row of the hot table (WAL and dirty pages for rows that ingestion just
 * wrote), and two replicas skipping each other's locked rows would break the commit order of batches.
 *
 * <p><b>Commit order and completeness.</b> Under the lock the transaction reads the cursor (the
 * commit-order position of the last reading of the newest batch) and the readings after it whose
 * inserting transaction is finished ({@code ingest_xid < pg_snapshot_xmin(pg_current_snapshot())}),
 * in {@code (ingest_xid, device_id, boot, seq, record_index)} order. A transaction still running has
 * an id at or above that horizon, and so do all its rows, so a row can never commit behind the cursor:
 * none is left out. A long transaction anywhere in the database holds the horizon back (batches wait,
 * nothing is lost).
 *
 * <p><b>All or nothing.</b> The batch row, its tree nodes and every membership row are inserted in that
 * same transaction; the membership's primary key (the reading's key) refuses a reading in two batches.
 * A crash or a lost connection before the commit leaves nothing behind, and the next round builds
 * the same batch again.
 */
public final class PgBatchLedger implements BatchLedger {
    /** Advisory lock class of the sealer ("SPCB"). */
    static final int LOCK_CLASS = 0x5350_4342;

    /** Called after the inserts and before the commit: the fault-injection point of the crash tests. */
    @FunctionalInterface
    interface BeforeCommit {
        void run(Connection connection) throws SQLException;
    }

    private final DataSource dataSource;
    private volatile BeforeCommit beforeCommit = c -> { };

    public PgBatchLedger(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** For the crash tests only. */
    void beforeCommit(BeforeCommit hook) {
        this.beforeCommit = Objects.requireNonNull(hook, "hook");
    }

    private record Pending(BatchReading reading, String xid) {
    }

    @Override
    public Optional<SealedBatch> sealNext(int limit, Instant now, Function<List<BatchReading>, Optional<CommitmentBatch>> decide) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Optional<SealedBatch> sealed = seal(c, limit, now, decide);
                if (sealed.isPresent()) {
                    beforeCommit.run(c);
                    c.commit();
                } else {
                    c.rollback();
                }
                return sealed;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            }
        } catch (SQLException e) {
            throw new BatchStoreException("sealing a commitment batch", e);
        }
    }

    private Optional<SealedBatch> seal(Connection c, int limit, Instant now,
            Function<List<BatchReading>, Optional<CommitmentBatch>> decide) throws SQLException {
        try (PreparedStatement lock = c.prepareStatement("SELECT pg_try_advisory_xact_lock(?, 1)")) {
            lock.setInt(1, LOCK_CLASS);
            try (ResultSet rs = lock.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return Optional.empty();
                }
            }
        }
        List<Pending> pending = pending(c, limit);
        List<BatchReading> readings = pending.stream().map(Pending::reading).toList();
        Optional<CommitmentBatch> decided = decide.apply(readings);
        if (decided.isEmpty()) {
            return Optional.empty();
        }
        CommitmentBatch batch = decided.get();
        // the cursor moves past the batch's last reading in commit order, so the batch must be exactly
        // the first readings pending: anything else would skip a reading forever
        List<ReadingKey> prefix = readings.subList(0, Math.min(batch.size(), readings.size())).stream()
                .map(BatchReading::key).sorted(ReadingKey.ORDER).toList();
        List<ReadingKey> members = batch.members().stream().map(m -> m.reading().key()).sorted(ReadingKey.ORDER).toList();
        if (!prefix.equals(members)) {
            throw new IllegalStateException("a batch must hold the first " + batch.size() + " pending readings in commit order");
        }
        Pending last = pending.get(batch.size() - 1);
        long id = insertBatch(c, batch, now, last);
        insertMembers(c, id, batch);
        return Optional.of(SealedBatch.of(id, batch, now));
    }

    private List<Pending> pending(Connection c, int limit) throws SQLException {
        String cursorSql = "SELECT last_xid::text, last_device_id, last_boot, last_seq, last_record_index"
                + " FROM commitment_batches ORDER BY id DESC LIMIT 1";
        String xid = "0";
        String device = "";
        long boot = -1;
        long seq = -1;
        int index = -1;
        try (PreparedStatement ps = c.prepareStatement(cursorSql); ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
                xid = rs.getString(1);
                device = rs.getString(2);
                boot = rs.getLong(3);
                seq = rs.getLong(4);
                index = rs.getInt(5);
            }
        }
        // the text copy of ingest_xid must not be named ingest_xid: a bare ORDER BY name is the output column's first,
        // and text order puts transaction 10000 before 9999
        String sql = "SELECT ingest_xid::text AS ingest_xid_text, device_id, boot, seq, record_index, quantity, value,"
                + " reading_time, received_at"
                + " FROM readings"
                + " WHERE ingest_xid >= ?::xid8 AND ingest_xid < pg_snapshot_xmin(pg_current_snapshot())"
                + " AND (ingest_xid, device_id, boot, seq, record_index) > (?::xid8, ?, ?, ?, ?)"
                + " ORDER BY ingest_xid, device_id, boot, seq, record_index LIMIT ?";
        List<Pending> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, xid);
            ps.setString(2, xid);
            ps.setString(3, device);
            ps.setLong(4, boot);
            ps.setLong(5, seq);
            ps.setInt(6, index);
            ps.setInt(7, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ReadingKey key = new ReadingKey(rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getInt(5));
                    out.add(new Pending(new BatchReading(key, rs.getInt(6), rs.getTimestamp(8).toInstant().toEpochMilli(),
                            rs.getLong(7), rs.getTimestamp(9).toInstant()), rs.getString(1)));
                }
            }
        }
        return out;
    }

    private static long insertBatch(Connection c, CommitmentBatch batch, Instant now, Pending last) throws SQLException {
        String sql = "INSERT INTO commitment_batches (size, root, first_time, last_time, window_start, sealed_at, nodes,"
                + " last_xid, last_device_id, last_boot, last_seq, last_record_index)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?::xid8, ?, ?, ?, ?) RETURNING id";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, batch.size());
            ps.setBigDecimal(2, new BigDecimal(batch.root()));
            ps.setTimestamp(3, Timestamp.from(Instant.ofEpochMilli(batch.firstTimeMillis())));
            ps.setTimestamp(4, Timestamp.from(Instant.ofEpochMilli(batch.lastTimeMillis())));
            ps.setTimestamp(5, Timestamp.from(batch.windowStart()));
            ps.setTimestamp(6, Timestamp.from(now));
            ps.setBytes(7, batch.nodes().toBytes());
            ps.setString(8, last.xid());
            ReadingKey key = last.reading().key();
            ps.setString(9, key.deviceId());
            ps.setLong(10, key.boot());
            ps.setLong(11, key.seq());
            ps.setInt(12, key.recordIndex());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void insertMembers(Connection c, long batchId, CommitmentBatch batch) throws SQLException {
        int n = batch.size();
        String[] devices = new String[n];
        Long[] boots = new Long[n];
        Long[] seqs = new Long[n];
        Short[] indexes = new Short[n];
        Integer[] slots = new Integer[n];
        for (CommitmentBatch.Member m : batch.members()) {
            int i = m.slot();
            devices[i] = m.reading().key().deviceId();
            boots[i] = m.reading().key().boot();
            seqs[i] = m.reading().key().seq();
            indexes[i] = (short) m.reading().key().recordIndex();
            slots[i] = m.slot();
        }
        String sql = "INSERT INTO batch_members (device_id, boot, seq, record_index, batch_id, leaf_index)"
                + " SELECT d, b, s, r, ?, l FROM unnest(?::text[], ?::bigint[], ?::bigint[], ?::smallint[], ?::int[]) AS t (d, b, s, r, l)";
        Array a1 = c.createArrayOf("text", devices);
        Array a2 = c.createArrayOf("bigint", boots);
        Array a3 = c.createArrayOf("bigint", seqs);
        Array a4 = c.createArrayOf("smallint", indexes);
        Array a5 = c.createArrayOf("integer", slots);
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, batchId);
            ps.setArray(2, a1);
            ps.setArray(3, a2);
            ps.setArray(4, a3);
            ps.setArray(5, a4);
            ps.setArray(6, a5);
            int inserted = ps.executeUpdate();
            if (inserted != n) {
                throw new IllegalStateException("inserted " + inserted + " memberships of " + n);
            }
        }
    }

    @Override
    public List<SealedBatch> awaitingAnchorRequest() {
        String sql = "SELECT id, root, size, first_time, last_time, window_start, sealed_at FROM commitment_batches"
                + " WHERE anchor_requested_at IS NULL ORDER BY id LIMIT 1000";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            List<SealedBatch> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new SealedBatch(rs.getLong(1), rs.getBigDecimal(2).toBigIntegerExact(), rs.getInt(3),
                        rs.getTimestamp(4).toInstant().toEpochMilli(), rs.getTimestamp(5).toInstant().toEpochMilli(),
                        rs.getTimestamp(6).toInstant(), rs.getTimestamp(7).toInstant()));
            }
            return out;
        } catch (SQLException e) {
            throw new BatchStoreException("listing batches to anchor", e);
        }
    }

    @Override
    public void anchorRequested(long batchId) {
        update("UPDATE commitment_batches SET anchor_requested_at = now() WHERE id = ? AND anchor_requested_at IS NULL",
                batchId, "recording an anchor request");
    }

    @Override
    public void anchored(long batchId, AnchorReceipt receipt) {
        Objects.requireNonNull(receipt, "receipt");
        String tx = receipt.transactionHash().toLowerCase(java.util.Locale.ROOT);
        String contract = receipt.contract().toLowerCase(java.util.Locale.ROOT);
        String sql = "UPDATE commitment_batches SET state = 'ANCHORED', anchor_tx_hash = ?, anchor_block = ?,"
                + " anchor_contract = ?, anchored_at = coalesce(anchored_at, now()), anchor_requested_at = coalesce(anchor_requested_at, now())"
                + " WHERE id = ? AND (state = 'SEALED' OR (anchor_tx_hash = ? AND anchor_contract = ?))";
        // The same transaction may be recorded again with another block: a local chain that lost its
        // last blocks mines the re-broadcast signed transaction again (the oracle's reconciliation).
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, tx);
            ps.setLong(2, receipt.blockNumber());
            ps.setString(3, contract);
            ps.setLong(4, batchId);
            ps.setString(5, tx);
            ps.setString(6, contract);
            if (ps.executeUpdate() == 1) {
                return;
            }
            try (PreparedStatement q = c.prepareStatement(
                    "SELECT anchor_tx_hash, anchor_block, anchor_contract FROM commitment_batches WHERE id = ?")) {
                q.setLong(1, batchId);
                try (ResultSet rs = q.executeQuery()) {
                    if (!rs.next()) {
                        throw new BatchException(BatchError.UNKNOWN_BATCH, "no batch " + batchId);
                    }
                    AnchorReceipt recorded = new AnchorReceipt(rs.getString(1), rs.getLong(2), rs.getString(3));
                    if (!recorded.equals(new AnchorReceipt(tx, receipt.blockNumber(), contract))) {
                        throw new BatchException(BatchError.ANCHOR_CONFLICT, "batch " + batchId + " is anchored by " + recorded);
                    }
                }
            }
        } catch (SQLException e) {
            throw new BatchStoreException("recording an anchor receipt", e);
        }
    }

    private void update(String sql, long batchId, String what) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, batchId);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new BatchStoreException(what, e);
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is gone; the server rolls the transaction back
        }
    }
}
