package io.sensorproof.gateway.chain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.sensorproof.gateway.collateral.PgCollateralAlerts;
import io.sensorproof.oracle.events.BlockRef;
import io.sensorproof.oracle.events.CarbonFacilityState;
import io.sensorproof.oracle.events.ChainEvent;
import io.sensorproof.oracle.events.CollateralFacilityState;
import io.sensorproof.oracle.events.FollowStep;
import io.sensorproof.oracle.events.FollowerState;
import io.sensorproof.oracle.events.LogFollower;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The chain-event store on PostgreSQL (V18, ADR 026): applies one {@link LogFollower} step per
 * transaction, with the cursor, the events, the recomputed projections and the alert events of lots
 * frozen or unfrozen on chain.
 *
 * <p>One replica at a time: {@link #step} locks the follower's {@code chain_cursor} row with
 * {@code FOR UPDATE SKIP LOCKED} and holds it for the whole step (the chain is read inside the
 * transaction); a replica that finds the row locked skips its tick. Lock order: the cursor row, then
 * {@link PgCollateralAlerts#EVENT_LOCK} (taken only when an alert event is written); no other writer
 * takes the cursor row, so this cannot deadlock.
 *
 * <p>Idempotent: an event is inserted once per (transaction, log index, block hash); a rewind marks the
 * events above the newest block the chain still has as removed, and a later read of the same log in the
 * same block clears the flag. After either, every projection the changed events are about is recomputed
 * from its live events ({@link CollateralFacilityState#fold}, {@link CarbonFacilityState#fold}), so the
 * gateway shows the chain's state, including a freeze that a lost block took away.
 */
public final class PgChainEvents {
    /** The follower of the three deployed contracts. */
    public static final String FOLLOWER = "contracts";
    /** Checkpoints kept (range ends); older ones are pruned. */
    static final int CHECKPOINTS = 256;

    private final DataSource dataSource;
    private final ObjectMapper json = JsonMapper.builder().enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS).build();

    /** What one applied step did (for logs, metrics and tests). */
    public record Applied(boolean locked, String step, int events, int refused, int removed, int alertEvents) {
        static Applied skipped() {
            return new Applied(false, "SKIPPED", 0, 0, 0, 0);
        }

        /** True when the step read or removed something: the caller may step again at once. */
        public boolean progressed() {
            return "ADVANCE".equals(step) || "REWIND".equals(step);
        }
    }

    public PgChainEvents(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * One follower step in one transaction, or nothing when another replica holds the cursor.
     *
     * @throws io.sensorproof.oracle.events.ChainEventException when the chain cannot be read (nothing applied)
     */
    public Applied step(LogFollower follower) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Applied applied = step(c, follower);
                c.commit();
                return applied;
            } catch (RuntimeException | SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new ChainStoreException("chain event step failed: " + e.getMessage(), e);
        }
    }

    private Applied step(Connection c, LogFollower follower) throws SQLException {
        Optional<BlockRef> cursor;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT block_number, block_hash FROM chain_cursor WHERE follower = ? FOR UPDATE SKIP LOCKED")) {
            ps.setString(1, FOLLOWER);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Applied.skipped();
                }
                String hash = rs.getString(2);
                cursor = hash == null ? Optional.empty() : Optional.of(new BlockRef(rs.getLong(1), hash));
            }
        }
        FollowStep step = follower.next(new State(c, cursor));
        Set<String> touched = new LinkedHashSet<>();
        if (step instanceof FollowStep.Idle) {
            return new Applied(true, "IDLE", 0, 0, 0, 0);
        }
        int removed = 0;
        int events = 0;
        int refused = 0;
        if (step instanceof FollowStep.Advance a) {
            for (ChainEvent e : a.events()) {
                insert(c, e.contract(), e.name(), e.block().number(), e.block().hash(), e.transactionHash(), e.logIndex(),
                        e.subjects(), e.args());
                touched.addAll(e.subjects());
                checkpoint(c, e.block());
            }
            for (FollowStep.Refused r : a.refused()) {
                Map<String, Object> args = new LinkedHashMap<>();
                args.put("reason", r.reason());
                args.put("address", r.log().address());
                args.put("topics", r.log().topics());
                args.put("data", r.log().data());
                insert(c, "?", "UNDECODABLE", r.log().blockNumber(), r.log().blockHash(), r.log().transactionHash(),
                        r.log().logIndex(), List.of("undecodable"), args);
            }
            events = a.events().size();
            refused = a.refused().size();
            checkpoint(c, a.to());
            moveCursor(c, Optional.of(a.to()));
        } else if (step instanceof FollowStep.Rewind r) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE chain_events SET removed = true, removed_at = now()"
                    + " WHERE NOT removed AND block_number >= ? RETURNING subjects")) {
                ps.setLong(1, r.lostFrom());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        removed++;
                        for (Object s : (Object[]) rs.getArray(1).getArray()) {
                            touched.add((String) s);
                        }
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM chain_checkpoints WHERE block_number >= ?")) {
                ps.setLong(1, r.lostFrom());
                ps.executeUpdate();
            }
            moveCursor(c, r.to());
        }
        int alertEvents = 0;
        for (String subject : touched) {
            alertEvents += recompute(c, subject);
        }
        return new Applied(true, step instanceof FollowStep.Advance ? "ADVANCE" : "REWIND", events, refused, removed, alertEvents);
    }

    private void insert(Connection c, String contract, String event, long block, String blockHash, String tx, long logIndex,
            List<String> subjects, Map<String, Object> args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO chain_events (contract, event, block_number, block_hash,"
                + " tx_hash, log_index, subjects, args) VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb)"
                + " ON CONFLICT (tx_hash, log_index, block_hash) DO UPDATE SET removed = false, removed_at = NULL")) {
            ps.setString(1, contract);
            ps.setString(2, event);
            ps.setLong(3, block);
            ps.setString(4, blockHash);
            ps.setString(5, tx);
            ps.setLong(6, logIndex);
            Array array = c.createArrayOf("text", subjects.toArray());
            ps.setArray(7, array);
            ps.setString(8, write(args));
            ps.executeUpdate();
        }
    }

    private static void checkpoint(Connection c, BlockRef block) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO chain_checkpoints (block_number, block_hash) VALUES (?, ?)"
                + " ON CONFLICT (block_number) DO UPDATE SET block_hash = excluded.block_hash")) {
            ps.setLong(1, block.number());
            ps.setString(2, block.hash());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM chain_checkpoints WHERE block_number < (SELECT min(block_number)"
                + " FROM (SELECT block_number FROM chain_checkpoints ORDER BY block_number DESC LIMIT ?) newest)")) {
            ps.setInt(1, CHECKPOINTS);
            ps.executeUpdate();
        }
    }

    private static void moveCursor(Connection c, Optional<BlockRef> to) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE chain_cursor SET block_number = ?, block_hash = ?, updated_at = now() WHERE follower = ?")) {
            if (to.isPresent()) {
                ps.setLong(1, to.get().number());
                ps.setString(2, to.get().hash());
            } else {
                ps.setNull(1, java.sql.Types.BIGINT);
                ps.setNull(2, java.sql.Types.VARCHAR);
            }
            ps.setString(3, FOLLOWER);
            ps.executeUpdate();
        }
    }

    /** Recomputes the projection of {@code subject}; returns the alert events written. */
    private int recompute(Connection c, String subject) throws SQLException {
        int colon = subject.indexOf(':');
        if (colon < 0) {
            return 0;
        }
        BigInteger id = new BigInteger(subject.substring(colon + 1));
        List<ChainEvent> events = liveEvents(c, subject);
        if (subject.startsWith("collateral:")) {
            return recomputeCollateral(c, id, events);
        }
        if (subject.startsWith("carbon:")) {
            recomputeCarbon(c, id, events);
        }
        return 0;
    }

    private List<ChainEvent> liveEvents(Connection c, String subject) throws SQLException {
        List<ChainEvent> events = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT contract, event, block_number, block_hash, tx_hash, log_index,"
                + " args::text FROM chain_events WHERE NOT removed AND subjects @> ARRAY[?]::text[]"
                + " ORDER BY block_number, log_index")) {
            ps.setString(1, subject);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    events.add(new ChainEvent(rs.getString(1), rs.getString(2), new BlockRef(rs.getLong(3), rs.getString(4)),
                            rs.getString(5), rs.getLong(6), read(rs.getString(7))));
                }
            }
        }
        return events;
    }

    private int recomputeCollateral(Connection c, BigInteger id, List<ChainEvent> events) throws SQLException {
        Boolean wasFrozen = null;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT frozen FROM chain_collateral_facilities WHERE facility_id = ? FOR UPDATE")) {
            ps.setBigDecimal(1, new BigDecimal(id));
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    wasFrozen = rs.getBoolean(1);
                }
            }
        }
        Optional<CollateralFacilityState> state = CollateralFacilityState.fold(id, events);
        if (state.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM chain_collateral_facilities WHERE facility_id = ?")) {
                ps.setBigDecimal(1, new BigDecimal(id));
                ps.executeUpdate();
            }
        } else {
            CollateralFacilityState s = state.get();
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO chain_collateral_facilities (facility_id, state, frozen,"
                    + " last_tx, last_block, view) VALUES (?, ?, ?, ?, ?, ?::jsonb) ON CONFLICT (facility_id) DO UPDATE SET"
                    + " state = excluded.state, frozen = excluded.frozen, last_tx = excluded.last_tx,"
                    + " last_block = excluded.last_block, view = excluded.view, updated_at = now()")) {
                ps.setBigDecimal(1, new BigDecimal(id));
                ps.setString(2, s.state());
                ps.setBoolean(3, s.frozen());
                ps.setString(4, s.lastChange() == null ? null : s.lastChange().transactionHash());
                if (s.lastChange() == null) {
                    ps.setNull(5, java.sql.Types.BIGINT);
                } else {
                    ps.setLong(5, s.lastChange().blockNumber());
                }
                ps.setString(6, write(s));
                ps.executeUpdate();
            }
        }
        boolean frozen = state.map(CollateralFacilityState::frozen).orElse(false);
        if (frozen == Boolean.TRUE.equals(wasFrozen)) {
            return 0;
        }
        return alertEvents(c, id, frozen ? "FROZEN" : "UNFROZEN", state.map(this::write).orElse("null"));
    }

    /**
     * Writes a FROZEN/UNFROZEN alert event for the alerts of each lot linked to facility {@code id}: its
     * unresolved alerts, or, with none, its latest alert (an unfreeze usually follows a resolved
     * excursion). The event's snapshot is the alert's last snapshot with {@code chain} set to the
     * facility's state. A lot without any alert gets no event (its view shows the state).
     */
    private int alertEvents(Connection c, BigInteger id, String type, String view) throws SQLException {
        List<long[]> targets = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT l.id, a.id FROM lots l JOIN LATERAL ("
                + " SELECT id FROM collateral_alerts x WHERE x.lot_id = l.id AND x.state <> 'RESOLVED'"
                + " UNION ALL SELECT id FROM (SELECT id FROM collateral_alerts y WHERE y.lot_id = l.id"
                + " AND NOT EXISTS (SELECT 1 FROM collateral_alerts z WHERE z.lot_id = l.id AND z.state <> 'RESOLVED')"
                + " ORDER BY y.id DESC LIMIT 1) latest) a ON true WHERE l.chain_facility_id = ? ORDER BY a.id")) {
            ps.setBigDecimal(1, new BigDecimal(id));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    targets.add(new long[] {rs.getLong(1), rs.getLong(2)});
                }
            }
        }
        if (targets.isEmpty()) {
            return 0;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            ps.setLong(1, PgCollateralAlerts.EVENT_LOCK);
            ps.executeQuery().close();
        }
        for (long[] t : targets) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO alert_events (alert_id, lot_id, factory_tenant_id,"
                    + " bank_tenant_id, type, alert) SELECT a.id, a.lot_id, l.factory_tenant_id, l.bank_tenant_id, ?,"
                    + " coalesce((SELECT e.alert FROM alert_events e WHERE e.alert_id = a.id ORDER BY e.id DESC LIMIT 1),"
                    + " jsonb_build_object('id', a.id, 'lotId', a.lot_id, 'deviceId', a.device_id, 'rule', a.rule, 'state', a.state))"
                    + " || jsonb_build_object('chain', ?::jsonb)"
                    + " FROM collateral_alerts a JOIN lots l ON l.id = a.lot_id WHERE a.id = ?")) {
                ps.setString(1, type);
                ps.setString(2, view);
                ps.setLong(3, t[1]);
                ps.executeUpdate();
            }
        }
        return targets.size();
    }

    private void recomputeCarbon(Connection c, BigInteger id, List<ChainEvent> events) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM chain_carbon_periods WHERE facility_id = ?")) {
            ps.setBigDecimal(1, new BigDecimal(id));
            ps.executeUpdate();
        }
        Optional<CarbonFacilityState> state = CarbonFacilityState.fold(id, events);
        if (state.isEmpty()) {
            return;
        }
        for (CarbonFacilityState.Period p : state.get().periods()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO chain_carbon_periods (facility_id, period_id, token_id,"
                    + " state, minted, held, retired, view) VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb)")) {
                ps.setBigDecimal(1, new BigDecimal(id));
                ps.setBigDecimal(2, new BigDecimal(p.periodId()));
                ps.setBigDecimal(3, new BigDecimal(p.tokenId()));
                ps.setString(4, p.state());
                ps.setBigDecimal(5, p.minted() == null ? null : new BigDecimal(p.minted().amount()));
                ps.setBigDecimal(6, new BigDecimal(p.held()));
                ps.setBigDecimal(7, new BigDecimal(p.retired()));
                ps.setString(8, write(p));
                ps.executeUpdate();
            }
        }
    }

    /** The follower's view of this store inside the step's transaction. */
    private static final class State implements FollowerState {
        private final Connection c;
        private final Optional<BlockRef> cursor;

        State(Connection c, Optional<BlockRef> cursor) {
            this.c = c;
            this.cursor = cursor;
        }

        @Override
        public Optional<BlockRef> cursor() {
            return cursor;
        }

        @Override
        public List<BlockRef> knownBlocks(long number, int limit) {
            List<BlockRef> blocks = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT block_number, block_hash FROM chain_checkpoints WHERE block_number <= ?"
                    + " UNION SELECT block_number, block_hash FROM chain_events WHERE NOT removed AND block_number <= ?"
                    + " ORDER BY block_number DESC LIMIT ?")) {
                ps.setLong(1, number);
                ps.setLong(2, number);
                ps.setInt(3, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        blocks.add(new BlockRef(rs.getLong(1), rs.getString(2)));
                    }
                }
            } catch (SQLException e) {
                throw new ChainStoreException("cannot read known blocks: " + e.getMessage(), e);
            }
            return blocks;
        }
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    private Map<String, Object> read(String text) {
        try {
            return json.readValue(text, new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (JsonProcessingException e) {
            throw new ChainStoreException("chain_events.args is not JSON: " + e.getMessage(), e);
        }
    }
}
