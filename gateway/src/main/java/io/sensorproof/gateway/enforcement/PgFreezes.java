package io.sensorproof.gateway.enforcement;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sensorproof.gateway.collateral.PgCollateralAlerts;
import io.sensorproof.gateway.persistence.PersistenceException;
import io.sensorproof.oracle.enforcement.FreezeLoopRules.FreezeOutcome;
import io.sensorproof.oracle.enforcement.FreezeLoopRules.FreezeState;
import io.sensorproof.oracle.planning.StoredReading;
import io.sensorproof.protocol.ids.Identifiers;
import io.sensorproof.zk.claims.CommittedReading;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import javax.sql.DataSource;

/**
 * The freeze loop's store (ADR 030): the open lots linked to a CollateralFinancing facility, the
 * readings and run starts the loop plans from, and the {@code freezes} rows (V16) with the alert
 * events that announce them.
 *
 * <p><b>One freeze per excursion.</b> A freeze row is inserted before its job is enqueued, keyed by the
 * job's idempotency key ({@code job_key} unique), so a round repeated after a crash or on another replica
 * finds the row and adds nothing; a row without a job gets it on the next round ({@link #unqueued}). A
 * row leaves SUBMITTED once, by a conditional update that also writes its alert event in the same
 * transaction ({@code FREEZE_CONFIRMED} or {@code FREEZE_FAILED}, under
 * {@link PgCollateralAlerts#EVENT_LOCK} like every {@code alert_events} writer): replicas that see the same
 * job outcome write one event.
 */
public final class PgFreezes {
    /** Alert event type when the freeze transaction is confirmed. */
    public static final String CONFIRMED_EVENT = "FREEZE_CONFIRMED";
    /** Alert event type when the freeze job failed (the contract refused, or it could not be sent). */
    public static final String FAILED_EVENT = "FREEZE_FAILED";
    /**
     * Alert event type when a FROZEN or FAILED freeze moves back to SUBMITTED: the chain lost the block that
     * had its transaction and the runner's reconciliation reopened its job (ADR 035).
     */
    public static final String CONFIRMATION_LOST_EVENT = "FREEZE_CONFIRMATION_LOST";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource dataSource;

    public PgFreezes(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** An open lot linked to a chain facility. */
    public record LinkedLot(long lotId, BigInteger chainFacilityId) {
    }

    /** A recorded freeze. */
    public record Freeze(long id, long lotId, BigInteger chainFacilityId, String quantity, List<List<String>> runs, String jobKey,
            Optional<Long> jobId, FreezeState state, Optional<String> transaction, OptionalLong block, Optional<String> failureCode,
            Instant createdAt, Instant updatedAt) {
        public Freeze {
            runs = runs.stream().map(List::copyOf).toList();
        }
    }

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

    /** Open lots with a chain facility, by id. */
    public List<LinkedLot> linkedLots() {
        return run("freezes: linked lots", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id, chain_facility_id FROM lots"
                    + " WHERE chain_facility_id IS NOT NULL AND closed_at IS NULL ORDER BY id");
                 ResultSet r = ps.executeQuery()) {
                List<LinkedLot> out = new ArrayList<>();
                while (r.next()) {
                    out.add(new LinkedLot(r.getLong(1), r.getBigDecimal(2).toBigIntegerExact()));
                }
                return out;
            }
        });
    }

    /** Whether the device stored a reading of {@code quantity} outside [lo, hi] at a device time at or after {@code sinceMillis}. */
    public boolean hasOutOfRange(String deviceId, int quantity, long lo, long hi, long sinceMillis) {
        return run("freezes: out of range", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM readings WHERE device_id = ? AND quantity = ?"
                    + " AND reading_time >= ? AND (value < ? OR value > ?))")) {
                ps.setString(1, deviceId);
                ps.setInt(2, quantity);
                ps.setTimestamp(3, new Timestamp(sinceMillis));
                ps.setLong(4, lo);
                ps.setLong(5, hi);
                try (ResultSet r = ps.executeQuery()) {
                    r.next();
                    return r.getBoolean(1);
                }
            }
        });
    }

    /** The first reading time of the latest run with stored claims of the device on the lot, after {@code afterMillis}. */
    public OptionalLong latestRunStart(long lotId, String deviceId, String quantity, long afterMillis) {
        return run("freezes: latest run", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT (extract(epoch FROM max(run_first_time)) * 1000)::bigint"
                    + " FROM run_claims WHERE lot_id = ? AND device_id = ? AND quantity = ? AND run_first_time > ?")) {
                ps.setLong(1, lotId);
                ps.setString(2, deviceId);
                ps.setString(3, quantity);
                ps.setTimestamp(4, new Timestamp(afterMillis));
                try (ResultSet r = ps.executeQuery()) {
                    r.next();
                    long v = r.getLong(1);
                    return r.wasNull() ? OptionalLong.empty() : OptionalLong.of(v);
                }
            }
        });
    }

    /** The device's stored readings of {@code quantity} at device times from {@code fromMillis}, in time order. */
    public List<StoredReading> readings(String deviceId, int quantity, long fromMillis) {
        BigInteger field = Identifiers.deviceField(deviceId);
        return run("freezes: readings", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT boot, seq, record_index, quantity, value,"
                    + " (extract(epoch FROM reading_time) * 1000)::bigint, (extract(epoch FROM received_at) * 1000)::bigint"
                    + " FROM readings WHERE device_id = ? AND quantity = ? AND reading_time >= ? ORDER BY reading_time")) {
                ps.setString(1, deviceId);
                ps.setInt(2, quantity);
                ps.setTimestamp(3, new Timestamp(fromMillis));
                List<StoredReading> out = new ArrayList<>();
                try (ResultSet r = ps.executeQuery()) {
                    while (r.next()) {
                        out.add(new StoredReading(new CommittedReading(field, r.getLong(1), r.getLong(2), r.getInt(3), r.getInt(4),
                                r.getLong(6), r.getLong(5)), r.getLong(7)));
                    }
                }
                return out;
            }
        });
    }

    /**
     * Records a freeze before its job is enqueued (no-op when its key is recorded).
     *
     * @return the row's id and job id (if enqueued already)
     */
    public Freeze record(long lotId, BigInteger chainFacilityId, String quantity, List<List<String>> runs, String jobKey) {
        ArrayNode runsJson = JSON.createArrayNode();
        runs.forEach(run -> {
            ArrayNode a = runsJson.addArray();
            run.forEach(a::add);
        });
        run("freezes: record", c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO freezes (lot_id, chain_facility_id, quantity, runs, job_key)"
                    + " VALUES (?, ?, ?, ?::jsonb, ?) ON CONFLICT (job_key) DO NOTHING")) {
                ps.setLong(1, lotId);
                ps.setBigDecimal(2, new BigDecimal(chainFacilityId));
                ps.setString(3, quantity);
                ps.setString(4, runsJson.toString());
                ps.setString(5, jobKey);
                return ps.executeUpdate();
            }
        });
        return byKey(jobKey).orElseThrow(() -> new PersistenceException("freezes: record " + jobKey,
                new SQLException("the recorded freeze is not there")));
    }

    /** Notes the job of a recorded freeze. */
    public void jobEnqueued(long freezeId, long jobId) {
        run("freezes: job", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE freezes SET job_id = ?, updated_at = now() WHERE id = ? AND job_id IS NULL")) {
                ps.setLong(1, jobId);
                ps.setLong(2, freezeId);
                return ps.executeUpdate();
            }
        });
    }

    /** Recorded freezes whose job is not enqueued yet (a round that died in between). */
    public List<Freeze> unqueued() {
        return select("WHERE job_id IS NULL ORDER BY id", ps -> { });
    }

    /** Recorded freezes still SUBMITTED, with a job. */
    public List<Freeze> submitted() {
        return select("WHERE state = 'SUBMITTED' AND job_id IS NOT NULL ORDER BY id", ps -> { });
    }

    /**
     * Recorded freezes that left SUBMITTED although their job is no longer finished: chain reconciliation
     * reopened the job (ADR 024), so the row must follow it back ({@link #reopen}).
     */
    public List<Freeze> settledWithReopenedJob() {
        return select("WHERE state <> 'SUBMITTED' AND job_id IN (SELECT id FROM oracle_jobs"
                + " WHERE state NOT IN ('CONFIRMED', 'FAILED')) ORDER BY id", ps -> { });
    }

    /**
     * The latest last-reading time (device ms) of the device's run claims among {@code claimIds}: where the runs
     * a refused freeze closed end for that device (ADR 035). Empty when none of them is the device's.
     */
    public OptionalLong lastReadingOf(String deviceId, Collection<String> claimIds) {
        if (claimIds.isEmpty()) {
            return OptionalLong.empty();
        }
        return run("freezes: closed runs", c -> {
            // public_inputs[6] is the run claim's lastTime (RunClaim.publicInputs)
            try (PreparedStatement ps = c.prepareStatement("SELECT max((public_inputs ->> 6)::numeric)::bigint FROM run_claims"
                    + " WHERE device_id = ? AND claim_id = ANY (?)")) {
                ps.setString(1, deviceId);
                ps.setArray(2, c.createArrayOf("text", claimIds.toArray()));
                try (ResultSet r = ps.executeQuery()) {
                    r.next();
                    long v = r.getLong(1);
                    return r.wasNull() ? OptionalLong.empty() : OptionalLong.of(v);
                }
            }
        });
    }

    /**
     * Moves a FROZEN or FAILED freeze back to SUBMITTED (transaction, block and failure code cleared) and writes a
     * {@value #CONFIRMATION_LOST_EVENT} alert event naming what was lost, in one transaction; a row another replica
     * moved already is left alone. The loop moves it forward again when its job ends again ({@link #settle}).
     *
     * @return whether this call moved it
     */
    public boolean reopen(Freeze freeze) {
        if (freeze.state() == FreezeState.SUBMITTED) {
            return false;
        }
        return run("freezes: reopen", c -> {
            c.setAutoCommit(false);
            try {
                int n;
                try (PreparedStatement ps = c.prepareStatement("UPDATE freezes SET state = 'SUBMITTED', tx_hash = NULL,"
                        + " block_number = NULL, failure_code = NULL, updated_at = now() WHERE id = ? AND state = ?")) {
                    ps.setLong(1, freeze.id());
                    ps.setString(2, freeze.state().name());
                    n = ps.executeUpdate();
                }
                if (n == 1) {
                    ObjectNode view = JSON.createObjectNode().put("id", freeze.id()).put("state", FreezeState.SUBMITTED.name())
                            .put("previousState", freeze.state().name())
                            .put("chainFacilityId", freeze.chainFacilityId().toString()).put("quantity", freeze.quantity());
                    freeze.transaction().ifPresent(t -> view.put("lostTransaction", t));
                    if (freeze.block().isPresent()) {
                        view.put("lostBlock", freeze.block().getAsLong());
                    }
                    freeze.failureCode().ifPresent(f -> view.put("lostFailureCode", f));
                    ArrayNode runs = view.putArray("runs");
                    freeze.runs().forEach(r -> {
                        ArrayNode a = runs.addArray();
                        r.forEach(a::add);
                    });
                    alertEvents(c, freeze.lotId(), CONFIRMATION_LOST_EVENT, view.toString());
                }
                c.commit();
                return n == 1;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        });
    }

    /** A lot's freezes, oldest first. */
    public List<Freeze> ofLot(long lotId) {
        return select("WHERE lot_id = ? ORDER BY id", ps -> ps.setLong(1, lotId));
    }

    /**
     * Whether lot {@code lotId} exists and {@code visibleTo} (a tenant; empty = every lot) is its factory or
     * bank.
     */
    public boolean lotVisible(long lotId, Optional<String> visibleTo) {
        return run("freezes: lot", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM lots WHERE id = ?"
                    + " AND (?::text IS NULL OR factory_tenant_id = ? OR bank_tenant_id = ?)")) {
                ps.setLong(1, lotId);
                String v = visibleTo.orElse(null);
                ps.setString(2, v);
                ps.setString(3, v);
                ps.setString(4, v);
                try (ResultSet r = ps.executeQuery()) {
                    return r.next();
                }
            }
        });
    }

    /** The freeze recorded under {@code jobKey}. */
    public Optional<Freeze> byKey(String jobKey) {
        return select("WHERE job_key = ?", ps -> ps.setString(1, jobKey)).stream().findFirst();
    }

    /**
     * Moves a SUBMITTED freeze to the job's outcome and writes its alert event in one transaction; a
     * freeze another replica moved already is left alone.
     *
     * @return whether this call moved it
     */
    public boolean settle(Freeze freeze, FreezeOutcome outcome) {
        if (outcome.state() == FreezeState.SUBMITTED) {
            return false;
        }
        return run("freezes: settle", c -> {
            c.setAutoCommit(false);
            try {
                int n;
                try (PreparedStatement ps = c.prepareStatement("UPDATE freezes SET state = ?, tx_hash = ?, block_number = ?,"
                        + " failure_code = ?, updated_at = now() WHERE id = ? AND state = 'SUBMITTED'")) {
                    ps.setString(1, outcome.state().name());
                    ps.setString(2, outcome.transaction().orElse(null));
                    ps.setObject(3, outcome.block().isPresent() ? outcome.block().getAsLong() : null);
                    ps.setString(4, outcome.failureCode().orElse(null));
                    ps.setLong(5, freeze.id());
                    n = ps.executeUpdate();
                }
                if (n == 1) {
                    ObjectNode view = JSON.createObjectNode().put("id", freeze.id()).put("state", outcome.state().name())
                            .put("chainFacilityId", freeze.chainFacilityId().toString()).put("quantity", freeze.quantity());
                    outcome.transaction().ifPresent(t -> view.put("transaction", t));
                    if (outcome.block().isPresent()) {
                        view.put("block", outcome.block().getAsLong());
                    }
                    outcome.failureCode().ifPresent(f -> view.put("failureCode", f));
                    ArrayNode runs = view.putArray("runs");
                    freeze.runs().forEach(r -> {
                        ArrayNode a = runs.addArray();
                        r.forEach(a::add);
                    });
                    alertEvents(c, freeze.lotId(), outcome.state() == FreezeState.FROZEN ? CONFIRMED_EVENT : FAILED_EVENT, view.toString());
                }
                c.commit();
                return n == 1;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        });
    }

    /**
     * Writes an alert event for the lot's unresolved alerts or, with none, its latest alert: the alert's
     * last snapshot with {@code freeze} set (the same targets as the chain follower's FROZEN events).
     */
    private static void alertEvents(Connection c, long lotId, String type, String freezeJson) throws SQLException {
        List<Long> targets = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM collateral_alerts WHERE lot_id = ? AND state <> 'RESOLVED'"
                + " UNION ALL SELECT id FROM (SELECT id FROM collateral_alerts y WHERE y.lot_id = ? AND NOT EXISTS"
                + " (SELECT 1 FROM collateral_alerts z WHERE z.lot_id = ? AND z.state <> 'RESOLVED') ORDER BY y.id DESC LIMIT 1) latest"
                + " ORDER BY id")) {
            ps.setLong(1, lotId);
            ps.setLong(2, lotId);
            ps.setLong(3, lotId);
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) {
                    targets.add(r.getLong(1));
                }
            }
        }
        if (targets.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            ps.setLong(1, PgCollateralAlerts.EVENT_LOCK);
            ps.executeQuery().close();
        }
        for (long alert : targets) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO alert_events (alert_id, lot_id, factory_tenant_id,"
                    + " bank_tenant_id, type, alert) SELECT a.id, a.lot_id, l.factory_tenant_id, l.bank_tenant_id, ?,"
                    + " coalesce((SELECT e.alert FROM alert_events e WHERE e.alert_id = a.id ORDER BY e.id DESC LIMIT 1),"
                    + " jsonb_build_object('id', a.id, 'lotId', a.lot_id, 'deviceId', a.device_id, 'rule', a.rule, 'state', a.state))"
                    + " || jsonb_build_object('freeze', ?::jsonb)"
                    + " FROM collateral_alerts a JOIN lots l ON l.id = a.lot_id WHERE a.id = ?")) {
                ps.setString(1, type);
                ps.setString(2, freezeJson);
                ps.setLong(3, alert);
                ps.executeUpdate();
            }
        }
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private List<Freeze> select(String where, Binder binder) {
        return run("freezes: select", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id, lot_id, chain_facility_id, quantity, runs::text, job_key, job_id,"
                    + " state, tx_hash, block_number, failure_code, created_at, updated_at FROM freezes " + where)) {
                binder.bind(ps);
                List<Freeze> out = new ArrayList<>();
                try (ResultSet r = ps.executeQuery()) {
                    while (r.next()) {
                        long job = r.getLong(7);
                        Optional<Long> jobId = r.wasNull() ? Optional.empty() : Optional.of(job);
                        long block = r.getLong(10);
                        OptionalLong blockNumber = r.wasNull() ? OptionalLong.empty() : OptionalLong.of(block);
                        out.add(new Freeze(r.getLong(1), r.getLong(2), r.getBigDecimal(3).toBigIntegerExact(), r.getString(4),
                                runs(r.getString(5)), r.getString(6), jobId, FreezeState.valueOf(r.getString(8)),
                                Optional.ofNullable(r.getString(9)), blockNumber, Optional.ofNullable(r.getString(11)),
                                r.getTimestamp(12).toInstant(), r.getTimestamp(13).toInstant()));
                    }
                }
                return out;
            }
        });
    }

    private static List<List<String>> runs(String json) throws SQLException {
        try {
            List<List<String>> out = new ArrayList<>();
            for (JsonNode run : JSON.readTree(json)) {
                List<String> ids = new ArrayList<>();
                run.forEach(id -> ids.add(id.asText()));
                out.add(ids);
            }
            return out;
        } catch (IOException e) {
            throw new SQLException("freezes.runs is not JSON", e);
        }
    }
}
