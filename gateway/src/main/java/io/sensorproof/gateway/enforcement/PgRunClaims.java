package io.sensorproof.gateway.enforcement;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.sensorproof.oracle.enforcement.FreezeStep.NewClaim;
import io.sensorproof.oracle.enforcement.PlannedClaim;
import io.sensorproof.oracle.jobs.NewJob;
import io.sensorproof.oracle.jobs.kinds.ClaimCalldata;
import io.sensorproof.oracle.jobs.kinds.RunClaimHandler;
import io.sensorproof.oracle.jobs.kinds.RunClaimLedger;
import io.sensorproof.oracle.planning.ClaimKeys;
import io.sensorproof.oracle.planning.ReadingKey;
import io.sensorproof.zk.claims.ProofRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The run claims the gateway planned ({@code run_claims}, V16): what {@link
 * io.sensorproof.oracle.enforcement.FreezeEnforcement} gets back as prior claims, and the
 * {@link RunClaimLedger} the run-claim jobs record their anchors in.
 *
 * <p><b>Store first, enqueue after.</b> {@link #store} inserts a step's new claims of one run in one
 * transaction (position after the run's last stored claim; a claim id already stored is skipped), with
 * the prover's arguments; {@link #unqueued} lists stored claims without a job and rebuilds their job from
 * the row, so a crash between storing and enqueueing loses nothing and plans nothing twice.
 */
public final class PgRunClaims implements RunClaimLedger {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource dataSource;

    public PgRunClaims(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * One run: a device's excursion of a quantity on a lot, named by its first reading's device time.
     *
     * @param lotId the lot
     * @param deviceId the device
     * @param quantity the quantity's name as the lot's watch has it
     * @param runFirstTime the device time of the run's first reading
     */
    public record RunKey(long lotId, String deviceId, String quantity, Instant runFirstTime) {
        public RunKey {
            Objects.requireNonNull(deviceId, "deviceId");
            Objects.requireNonNull(quantity, "quantity");
            Objects.requireNonNull(runFirstTime, "runFirstTime");
        }
    }

    /** A stored claim whose job is not enqueued yet: its claim id and the job to enqueue. */
    public record Unqueued(String claimId, NewJob job) {
    }

    /** The run's claims in chain order, with whether each is anchored. */
    public List<PlannedClaim> prior(RunKey run) {
        String sql = """
                SELECT claim_id, reading_keys::text AS keys, state FROM run_claims
                WHERE lot_id = ? AND device_id = ? AND quantity = ? AND run_first_time = ? ORDER BY position""";
        BigInteger field = new BigInteger(1, run.deviceId().getBytes(StandardCharsets.US_ASCII));
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, run.lotId());
            ps.setString(2, run.deviceId());
            ps.setString(3, run.quantity());
            ps.setTimestamp(4, Timestamp.from(run.runFirstTime()));
            List<PlannedClaim> out = new ArrayList<>();
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) {
                    out.add(new PlannedClaim(keys(field, r.getString("keys")), r.getString("claim_id"),
                            "ANCHORED".equals(r.getString("state"))));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("reading run claims failed: " + e.getMessage(), e);
        }
    }

    /**
     * Stores {@code claims} after the run's stored ones, in one transaction.
     *
     * @return how many were new
     */
    public int store(RunKey run, List<NewClaim> claims) {
        if (claims.isEmpty()) {
            return 0;
        }
        String next = """
                SELECT coalesce(max(position) + 1, 0) FROM run_claims
                WHERE lot_id = ? AND device_id = ? AND quantity = ? AND run_first_time = ?""";
        String insert = """
                INSERT INTO run_claims (claim_id, lot_id, device_id, quantity, run_first_time, position, reading_keys,
                    public_inputs, arguments, settled_by, latest_arrival)
                VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ?, ?)
                ON CONFLICT (claim_id) DO NOTHING""";
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))");
                 PreparedStatement pn = c.prepareStatement(next); PreparedStatement ins = c.prepareStatement(insert)) {
                lock.setString(1, "run_claims:" + run.lotId() + ":" + run.deviceId() + ":" + run.quantity());
                lock.execute();
                pn.setLong(1, run.lotId());
                pn.setString(2, run.deviceId());
                pn.setString(3, run.quantity());
                pn.setTimestamp(4, Timestamp.from(run.runFirstTime()));
                int position;
                try (ResultSet r = pn.executeQuery()) {
                    r.next();
                    position = r.getInt(1);
                }
                int created = 0;
                for (NewClaim claim : claims) {
                    ins.setString(1, claim.claimId());
                    ins.setLong(2, run.lotId());
                    ins.setString(3, run.deviceId());
                    ins.setString(4, run.quantity());
                    ins.setTimestamp(5, Timestamp.from(run.runFirstTime()));
                    ins.setInt(6, position);
                    ins.setString(7, keysJson(claim.chunk().keys()));
                    ArrayNode inputs = JSON.createArrayNode();
                    claim.chunk().request().publicInputs().forEach(i -> inputs.add(i.toString()));
                    ins.setString(8, inputs.toString());
                    ins.setString(9, claim.chunk().request().arguments().toString());
                    ins.setString(10, claim.chunk().settlement().basis().name());
                    ins.setTimestamp(11, Timestamp.from(Instant.ofEpochMilli(claim.chunk().settlement().lastArrivalMillis())));
                    int n = ins.executeUpdate();
                    if (n == 1) {
                        created++;
                        position++;
                    }
                }
                c.commit();
                return created;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("storing run claims failed: " + e.getMessage(), e);
        }
    }

    /** Stored claims that have no job yet, oldest first, with the job rebuilt from the row. */
    public List<Unqueued> unqueued(int limit) {
        String sql = """
                SELECT claim_id, public_inputs::text AS inputs, arguments::text AS arguments FROM run_claims
                WHERE job_id IS NULL ORDER BY id LIMIT ?""";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, limit);
            List<Unqueued> out = new ArrayList<>();
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) {
                    List<BigInteger> inputs = new ArrayList<>();
                    JSON.readTree(r.getString("inputs")).forEach(n -> inputs.add(new BigInteger(n.asText())));
                    ProofRequest request = new ProofRequest(ClaimCalldata.EXCURSION, JSON.readTree(r.getString("arguments")), inputs);
                    out.add(new Unqueued(r.getString("claim_id"), RunClaimHandler.job(request)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("reading unqueued run claims failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Notes the job of a stored claim. */
    public void jobEnqueued(String claimId, long jobId) {
        update("UPDATE run_claims SET job_id = ? WHERE claim_id = ? AND job_id IS NULL", ps -> {
            ps.setLong(1, jobId);
            ps.setString(2, claimId);
        });
    }

    @Override
    public void anchored(String claimId, String transaction, long blockNumber) {
        update("""
                UPDATE run_claims SET state = 'ANCHORED', anchor_tx_hash = ?, anchor_block = ?, anchored_at = now()
                WHERE claim_id = ? AND state = 'PLANNED'""", ps -> {
            ps.setString(1, transaction.toLowerCase(Locale.ROOT));
            ps.setLong(2, blockNumber);
            ps.setString(3, claimId.toLowerCase(Locale.ROOT));
        });
    }

    /**
     * Marks as anchored the claims whose job found them on chain already (FAILED with
     * {@link RunClaimHandler#ALREADY_ANCHORED}: nothing was sent, no transaction of ours).
     *
     * @return how many were marked
     */
    public int anchoredByOthers() {
        return update("""
                UPDATE run_claims rc SET state = 'ANCHORED', anchored_at = now()
                FROM oracle_jobs j
                WHERE rc.job_id = j.id AND rc.state = 'PLANNED' AND j.state = 'FAILED' AND j.failure_code = ?""",
                ps -> ps.setString(1, RunClaimHandler.ALREADY_ANCHORED));
    }

    @FunctionalInterface
    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private int update(String sql, Binder binder) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("updating run claims failed: " + e.getMessage(), e);
        }
    }

    private static String keysJson(ClaimKeys keys) {
        ArrayNode out = JSON.createArrayNode();
        for (ReadingKey k : keys.keys()) {
            out.addArray().add(k.boot()).add(k.seq()).add(k.recordIndex());
        }
        return out.toString();
    }

    private static ClaimKeys keys(BigInteger device, String json) {
        try {
            List<ReadingKey> out = new ArrayList<>();
            for (JsonNode k : JSON.readTree(json)) {
                out.add(new ReadingKey(device, k.get(0).asLong(), k.get(1).asLong(), k.get(2).asInt()));
            }
            return new ClaimKeys(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
