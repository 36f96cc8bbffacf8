package io.sensorproof.gateway.enforcement;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sensorproof.gateway.persistence.PersistenceException;
import io.sensorproof.oracle.bundle.KeyGroup;
import io.sensorproof.oracle.bundle.ReadingKey;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The reads an evidence bundle is built from: the freeze's run claims ({@code run_claims}, V16) with the
 * proof of their run-claim job ({@code oracle_jobs.proof}, V14), the devices' keys ({@code devices.spki})
 * and the raw signed messages the claims cite ({@code messages.raw}, kept by V22). Read-only: the freeze
 * loop and the run-claim jobs are the writers.
 */
final class PgEvidenceBundles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource dataSource;

    PgEvidenceBundles(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /**
     * A stored run claim: its device, readings in slot order, the lo, hi and maxGap of its public inputs,
     * the prover's proof.json (when its job holds one) and the anchoring transaction (when this gateway sent it).
     */
    record StoredRunClaim(String claimId, String deviceId, List<ReadingKey> readings, long lo, long hi, long maxGap,
            Optional<String> proofJson, Optional<String> anchorTx, Optional<Long> anchorBlock) {
        StoredRunClaim {
            readings = List.copyOf(readings);
        }
    }

    /** The run claims with the given ids that are stored, by claim id. */
    Map<String, StoredRunClaim> runClaims(Collection<String> claimIds) {
        return run("evidence bundle: run claims", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT rc.claim_id, rc.device_id, rc.reading_keys::text, j.proof::text,"
                    + " rc.anchor_tx_hash, rc.anchor_block, (rc.public_inputs ->> 3)::bigint, (rc.public_inputs ->> 4)::bigint,"
                    + " (rc.public_inputs ->> 8)::bigint FROM run_claims rc LEFT JOIN oracle_jobs j ON j.id = rc.job_id"
                    + " WHERE rc.claim_id = ANY (?)")) {
                ps.setArray(1, c.createArrayOf("text", claimIds.toArray(String[]::new)));
                Map<String, StoredRunClaim> out = new LinkedHashMap<>();
                try (ResultSet r = ps.executeQuery()) {
                    while (r.next()) {
                        String device = r.getString(2);
                        long block = r.getLong(6);
                        Optional<Long> anchorBlock = r.wasNull() ? Optional.empty() : Optional.of(block);
                        out.put(r.getString(1), new StoredRunClaim(r.getString(1), device, keys(device, r.getString(3)),
                                r.getLong(7), r.getLong(8), r.getLong(9), Optional.ofNullable(r.getString(4)), Optional.ofNullable(r.getString(5)), anchorBlock));
                    }
                }
                return out;
            }
        });
    }

    /**
     * The device's current key (SubjectPublicKeyInfo DER) with its ML-DSA partner when the device is hybrid
     * (V26, ADR 029), if it has a key.
     */
    Optional<KeyGroup> keyGroup(String deviceId) {
        return run("evidence bundle: device key", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT d.spki, h.spki FROM devices d"
                    + " LEFT JOIN device_hybrid_keys h ON h.classical_kid = d.kid AND h.device_id = d.device_id"
                    + " WHERE d.device_id = ? AND d.spki IS NOT NULL")) {
                ps.setString(1, deviceId);
                try (ResultSet r = ps.executeQuery()) {
                    return r.next() ? Optional.of(new KeyGroup(r.getBytes(1), Optional.ofNullable(r.getBytes(2))))
                            : Optional.empty();
                }
            }
        });
    }

    /**
     * The raw signed messages of the device with the given (boot, seq), in (boot, seq) order; a message
     * not stored is absent from the answer.
     */
    List<RawMessage> messages(String deviceId, Collection<ReadingKey> keys) {
        List<Long> boots = new ArrayList<>();
        List<Long> seqs = new ArrayList<>();
        keys.stream().map(k -> List.of(k.boot(), k.seq())).distinct().forEach(k -> {
            boots.add(k.get(0));
            seqs.add(k.get(1));
        });
        return run("evidence bundle: messages", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT m.boot, m.seq, m.raw FROM messages m"
                    + " JOIN unnest(?::bigint[], ?::bigint[]) AS k (boot, seq) ON m.boot = k.boot AND m.seq = k.seq"
                    + " WHERE m.device_id = ? ORDER BY m.boot, m.seq")) {
                ps.setArray(1, c.createArrayOf("bigint", boots.toArray()));
                ps.setArray(2, c.createArrayOf("bigint", seqs.toArray()));
                ps.setString(3, deviceId);
                List<RawMessage> out = new ArrayList<>();
                try (ResultSet r = ps.executeQuery()) {
                    while (r.next()) {
                        out.add(new RawMessage(r.getLong(1), r.getLong(2), r.getBytes(3)));
                    }
                }
                return out;
            }
        });
    }

    /** One kept message: its (boot, seq) and the bytes as received. */
    record RawMessage(long boot, long seq, byte[] raw) {
    }

    private static List<ReadingKey> keys(String deviceId, String json) throws SQLException {
        try {
            List<ReadingKey> out = new ArrayList<>();
            for (JsonNode k : JSON.readTree(json)) {
                out.add(new ReadingKey(deviceId, k.get(0).asLong(), k.get(1).asLong(), k.get(2).asInt()));
            }
            return out;
        } catch (IOException | RuntimeException e) {
            throw new SQLException("run_claims.reading_keys unreadable: " + e.getMessage(), e);
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
}
