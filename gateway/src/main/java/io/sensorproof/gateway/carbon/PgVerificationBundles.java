package io.sensorproof.gateway.carbon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sensorproof.gateway.persistence.PersistenceException;
import io.sensorproof.oracle.bundle.CarbonPeriod;
import io.sensorproof.zk.claims.EmissionsClaim;
import java.io.IOException;
import java.math.BigInteger;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The reads a verification bundle is built from (V17 {@code carbon_periods}, {@code emissions_claims}, and
 * the transactions of their V14 {@code oracle_jobs}), with blocking JDBC on a worker thread. Read-only:
 * the carbon loop ({@link CarbonLoop}) is the only writer of these tables.
 */
final class PgVerificationBundles {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A job's transaction, when the job is confirmed. */
    private static final String JOB_TX = "(SELECT j.tx_hash || ' ' || j.block_number FROM oracle_jobs j WHERE j.id = %s"
            + " AND j.state = 'CONFIRMED' AND j.tx_hash IS NOT NULL AND j.block_number IS NOT NULL)";

    private final DataSource dataSource;

    PgVerificationBundles(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** A confirmed transaction of one of the gateway's jobs: hash and block number. */
    record MinedTx(String hash, long block) {
        static Optional<MinedTx> parse(String hashSpaceBlock) {
            if (hashSpaceBlock == null) {
                return Optional.empty();
            }
            int space = hashSpaceBlock.indexOf(' ');
            return Optional.of(new MinedTx(hashSpaceBlock.substring(0, space), Long.parseLong(hashSpaceBlock.substring(space + 1))));
        }
    }

    /** A tracked period: its chain facility, terms, the gateway's view of its state, and the close and mint transactions. */
    record StoredPeriod(long chainFacilityId, long periodId, CarbonPeriod terms, String state, Optional<MinedTx> close,
            Optional<MinedTx> mint) {
    }

    /** A claim the period counted (submitted): its id, statement, proof.json and anchoring transaction. */
    record StoredClaim(String claimId, String deviceId, EmissionsClaim claim, Optional<String> proofJson, Optional<MinedTx> anchor) {
    }

    /**
     * True when emissions facility {@code facilityId} exists and {@code visibleTo} (a tenant; empty = every
     * facility) is its factory or its exchange.
     */
    boolean facilityVisible(long facilityId, Optional<String> visibleTo) {
        return run("verification bundle: facility", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM emission_facilities f WHERE f.id = ?"
                    + " AND (?::text IS NULL OR f.factory_tenant_id = ? OR f.exchange_tenant_id = ?)")) {
                s.setLong(1, facilityId);
                String v = visibleTo.orElse(null);
                s.setString(2, v);
                s.setString(3, v);
                s.setString(4, v);
                try (ResultSet r = s.executeQuery()) {
                    return r.next();
                }
            }
        });
    }

    /** Period {@code periodId} (the CarbonCredit period id) of facility {@code facilityId}, if the gateway tracks it. */
    Optional<StoredPeriod> period(long facilityId, long periodId) {
        return run("verification bundle: period", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT chain_facility_id::bigint, period_id, start_seconds, end_seconds,"
                    + " baseline_kg, max_gap_ms, substitute_rate_kg_per_hour, devices, state, "
                    + String.format(JOB_TX, "close_job_id") + ", " + String.format(JOB_TX, "mint_job_id")
                    + " FROM carbon_periods WHERE facility_id = ? AND period_id = ?")) {
                s.setLong(1, facilityId);
                s.setLong(2, periodId);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        return Optional.empty();
                    }
                    CarbonPeriod terms = new CarbonPeriod(r.getLong(3), r.getLong(4), r.getLong(5), r.getLong(6), r.getLong(7),
                            strings(r.getArray(8)));
                    return Optional.of(new StoredPeriod(r.getLong(1), r.getLong(2), terms, r.getString(9),
                            MinedTx.parse(r.getString(10)), MinedTx.parse(r.getString(11))));
                }
            }
        });
    }

    /**
     * The period's submitted claims in submission order (the order of their submit jobs, which the loop
     * enqueues one at a time per device in chain order).
     */
    List<StoredClaim> submittedClaims(long facilityId, long periodId) {
        return run("verification bundle: claims", c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT claim_id, device_id, public_inputs::text, proof::text, "
                    + String.format(JOB_TX, "anchor_job_id") + " FROM emissions_claims WHERE facility_id = ? AND period_id = ?"
                    + " AND state = 'SUBMITTED' ORDER BY submit_job_id, device_id, chain_index")) {
                s.setLong(1, facilityId);
                s.setLong(2, periodId);
                List<StoredClaim> out = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        out.add(new StoredClaim(r.getString(1), r.getString(2), claim(r.getString(3)),
                                Optional.ofNullable(r.getString(4)), MinedTx.parse(r.getString(5))));
                    }
                }
                return out;
            }
        });
    }

    /** The emissions claim of its nine public inputs (decimal strings, the circuit's order). */
    static EmissionsClaim claim(String publicInputsJson) throws SQLException {
        try {
            JsonNode inputs = JSON.readTree(publicInputsJson);
            if (!inputs.isArray() || inputs.size() != 9) {
                throw new SQLException("public_inputs is not an array of the emissions circuit's 9 inputs: " + publicInputsJson);
            }
            List<BigInteger> v = new ArrayList<>();
            inputs.forEach(i -> v.add(new BigInteger(i.asText())));
            return new EmissionsClaim(v.get(0), v.get(1), v.get(2).longValueExact(), v.get(3).longValueExact(),
                    v.get(4).longValueExact(), v.get(5).longValueExact(), v.get(6).intValueExact(), v.get(7).longValueExact(),
                    v.get(8).longValueExact());
        } catch (IOException | ArithmeticException | NumberFormatException e) {
            throw new SQLException("public_inputs unreadable: " + e.getMessage(), e);
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

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : List.of((String[]) array.getArray());
    }
}
