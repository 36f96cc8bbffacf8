package io.sensorproof.gateway.chain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.sensorproof.gateway.chain.ChainViews.ChainEventView;
import io.sensorproof.gateway.chain.ChainViews.FacilityCredits;
import io.sensorproof.gateway.chain.ChainViews.PeriodCredits;
import io.sensorproof.gateway.lots.LotViews;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The API's reads of what {@link PgChainEvents} stored: a lot's chain events (those of its linked
 * CollateralFinancing facility, removed ones included and flagged) and an emissions facility's credits per
 * period. Blocking JDBC, called from worker threads; visibility as for lots and facilities
 * ({@code visibleTo} empty = everything), a non-party gets the 404 of a missing lot or facility.
 */
@ApplicationScoped
public class ChainReads {
    private final AgroalDataSource dataSource;
    private final ObjectMapper json;

    ChainReads(AgroalDataSource dataSource, ObjectMapper json) {
        this.dataSource = dataSource;
        this.json = json;
    }

    /** Events of lot {@code lotId}'s facility with ids after {@code afterId}, ascending, at most {@code limit}. */
    public List<ChainEventView> lotEvents(long lotId, Optional<String> visibleTo, long afterId, int limit) {
        try (Connection c = dataSource.getConnection()) {
            String facility;
            try (PreparedStatement ps = c.prepareStatement("SELECT chain_facility_id::text FROM lots l WHERE l.id = ?"
                    + " AND (?::text IS NULL OR l.factory_tenant_id = ? OR l.bank_tenant_id = ?)")) {
                ps.setLong(1, lotId);
                String v = visibleTo.orElse(null);
                ps.setString(2, v);
                ps.setString(3, v);
                ps.setString(4, v);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw LotViews.lotNotFound(lotId);
                    }
                    facility = rs.getString(1);
                }
            }
            if (facility == null) {
                return List.of();
            }
            List<ChainEventView> events = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id, contract, event, block_number, block_hash, tx_hash,"
                    + " log_index, args::text, removed, read_at, removed_at FROM chain_events"
                    + " WHERE subjects @> ARRAY[?]::text[] AND id > ? ORDER BY id LIMIT ?")) {
                ps.setString(1, "collateral:" + facility);
                ps.setLong(2, afterId);
                ps.setInt(3, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        events.add(new ChainEventView(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                                rs.getString(5), rs.getString(6), rs.getLong(7), json.readTree(rs.getString(8)), rs.getBoolean(9),
                                instant(rs.getTimestamp(10)), instant(rs.getTimestamp(11))));
                    }
                }
            }
            return events;
        } catch (SQLException | JsonProcessingException e) {
            throw new ChainStoreException("cannot read the lot's chain events: " + e.getMessage(), e);
        }
    }

    /** Credits per period of emissions facility {@code id}. */
    public FacilityCredits credits(long id, Optional<String> visibleTo) {
        try (Connection c = dataSource.getConnection()) {
            String facility;
            try (PreparedStatement ps = c.prepareStatement("SELECT chain_facility_id::text FROM emission_facilities f WHERE f.id = ?"
                    + " AND (?::text IS NULL OR f.factory_tenant_id = ? OR f.exchange_tenant_id = ?)")) {
                ps.setLong(1, id);
                String v = visibleTo.orElse(null);
                ps.setString(2, v);
                ps.setString(3, v);
                ps.setString(4, v);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw LotViews.facilityNotFound(id);
                    }
                    facility = rs.getString(1);
                }
            }
            List<PeriodCredits> periods = new ArrayList<>();
            if (facility != null) {
                try (PreparedStatement ps = c.prepareStatement("SELECT period_id::text, token_id::text, state, minted::text,"
                        + " held::text, retired::text, view::text FROM chain_carbon_periods WHERE facility_id = ? ORDER BY period_id")) {
                    ps.setBigDecimal(1, new BigDecimal(facility));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            periods.add(new PeriodCredits(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                    rs.getString(5), rs.getString(6), json.readTree(rs.getString(7))));
                        }
                    }
                }
            }
            return new FacilityCredits(id, facility, periods);
        } catch (SQLException | JsonProcessingException e) {
            throw new ChainStoreException("cannot read the facility's credits: " + e.getMessage(), e);
        }
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
