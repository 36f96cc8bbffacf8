package io.sensorproof.gateway.claims;

import io.sensorproof.gateway.persistence.PersistenceException;
import io.sensorproof.protocol.senml.Quantity;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The proof status of listed claims (issue 16, "claims with proof status"): the quantity and the state of the oracle
 * job that proves and anchors each claim ({@code oracle_jobs}, V14: ASSEMBLED, PROVED, SELF_VERIFIED, SUBMITTED,
 * CONFIRMED or FAILED with its failure code and message), and the anchoring transaction and block. A run claim's
 * job is {@code run_claims.job_id} (V16), an emissions claim's its anchor job {@code emissions_claims.anchor_job_id}
 * (V17; the later submission to the carbon contract is the period's, not the claim's proof). The claim's own
 * anchor columns win over the job's, which are there before the claim row is marked anchored. A second query
 * next to the listing's, by claim id, so that the listing's paging stays the listing's.
 */
public final class PgClaimProofStatuses {
    private static final String SQL = "SELECT c.claim_id, c.quantity, j.state, j.failure_code, j.failure_message,"
            + " coalesce(c.tx, j.tx_hash), coalesce(c.block, j.block_number), j.attempts FROM ("
            + " SELECT claim_id, quantity, job_id, anchor_tx_hash AS tx, anchor_block AS block FROM run_claims"
            + "  WHERE claim_id = ANY (?)"
            + " UNION ALL SELECT claim_id, ?, anchor_job_id, anchor_tx, NULL::bigint FROM emissions_claims"
            + "  WHERE claim_id = ANY (?)) c LEFT JOIN oracle_jobs j ON j.id = c.job_id";

    private final DataSource dataSource;

    public PgClaimProofStatuses(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * One claim's proof status.
     *
     * @param claimId the claim
     * @param quantity the watched quantity's name (run claims) or {@code co2e-register} (emissions claims)
     * @param jobState the proving job's state; empty before its job is enqueued
     * @param failureCode the job's failure code when FAILED
     * @param failureMessage the job's failure message when FAILED
     * @param transaction the anchoring transaction, once signed
     * @param block the block that mined it, once confirmed
     * @param attempts the job's attempts so far (0 without a job)
     */
    public record ProofStatus(String claimId, String quantity, Optional<String> jobState, Optional<String> failureCode,
            Optional<String> failureMessage, Optional<String> transaction, Optional<Long> block, int attempts) {
        public ProofStatus {
            Objects.requireNonNull(claimId, "claimId");
            Objects.requireNonNull(quantity, "quantity");
        }
    }

    /** The proof statuses of the stored claims among {@code claimIds}, by claim id (unknown ids are absent). */
    public Map<String, ProofStatus> of(Collection<String> claimIds) {
        Map<String, ProofStatus> out = new HashMap<>();
        if (claimIds.isEmpty()) {
            return out;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(SQL)) {
            Array ids = c.createArrayOf("text", claimIds.toArray(String[]::new));
            ps.setArray(1, ids);
            ps.setString(2, Quantity.CO2E_REGISTER.senmlName());
            ps.setArray(3, ids);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long block = rs.getLong(7);
                    Optional<Long> mined = rs.wasNull() ? Optional.empty() : Optional.of(block);
                    out.put(rs.getString(1), new ProofStatus(rs.getString(1), rs.getString(2), Optional.ofNullable(rs.getString(3)),
                            Optional.ofNullable(rs.getString(4)), Optional.ofNullable(rs.getString(5)),
                            Optional.ofNullable(rs.getString(6)), mined, rs.getInt(8)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new PersistenceException("claims: proof statuses", e);
        }
    }
}
