package io.sensorproof.gateway.enforcement;

import io.sensorproof.oracle.bundle.KeyGroup;
import io.sensorproof.oracle.jobs.JobException;
import io.sensorproof.oracle.jobs.JobStore;
import io.sensorproof.oracle.jobs.kinds.RegisterDeviceHandler;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Enqueues the "register device" job of every active device of an open lot that has none yet (ADR 024):
 * a bank can name a device in a facility only once AnchorRegistry has it, and its claims are anchored
 * only then. The trigger is "the device is in an open lot" — checked by a sweep, not by the lot
 * endpoints, so a device added by any path (and every device after an upgrade) is covered and a crash
 * between adding a device and enqueueing loses nothing; the job's key (device, key hash) keeps it to
 * one registration however often the sweep runs.
 *
 * <p>The key hash is SHA-256 of the device's stored SPKI DER (docs/contracts.md "Devices"), for a hybrid
 * device (ADR 029) SHA-256 of its SPKI followed by its ML-DSA SPKI ({@link KeyGroup#keyHash()}); a device
 * whose stored kid is not that hash's first 16 bytes is refused ({@code KID_MISMATCH}), logged and
 * counted in {@link Sweep#refused()}, never registered with a key that is not its own.
 */
public final class DeviceRegistrations {
    private static final Logger LOG = Logger.getLogger(DeviceRegistrations.class);

    private final DataSource dataSource;
    private final JobStore jobs;

    public DeviceRegistrations(DataSource dataSource, JobStore jobs) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.jobs = Objects.requireNonNull(jobs, "jobs");
    }

    /**
     * What one sweep did.
     *
     * @param enqueued devices whose register job was created now
     * @param refused devices refused (kid does not match the SPKI, field out of range)
     */
    public record Sweep(List<String> enqueued, List<String> refused) {
        public Sweep {
            enqueued = List.copyOf(enqueued);
            refused = List.copyOf(refused);
        }
    }

    /** Enqueues the missing registrations. */
    public Sweep sweep(Instant now) {
        String sql = """
                SELECT DISTINCT d.device_id, d.kid, d.spki, h.spki AS pq_spki FROM lot_devices ld JOIN devices d ON d.device_id = ld.device_id
                LEFT JOIN device_hybrid_keys h ON h.classical_kid = d.kid AND h.device_id = d.device_id
                WHERE ld.lot_open AND d.status = 'ACTIVE'
                  AND NOT EXISTS (SELECT 1 FROM oracle_jobs j
                                  WHERE j.kind = 'register-device' AND j.payload ->> 'deviceId' = d.device_id)
                ORDER BY d.device_id""";
        List<String> enqueued = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql);
             ResultSet r = ps.executeQuery()) {
            while (r.next()) {
                String device = r.getString("device_id");
                byte[] spki = r.getBytes("spki");
                if (!Arrays.equals(Arrays.copyOf(sha256(spki), 16), r.getBytes("kid"))) {
                    LOG.warnf("KID_MISMATCH: device %s: its kid is not the SHA-256 of its SPKI; not registered on chain", device);
                    refused.add(device);
                    continue;
                }
                // a hybrid device registers the hash of both keys (ADR 029): its bundles are checked against it
                byte[] hash = new KeyGroup(spki, Optional.ofNullable(r.getBytes("pq_spki"))).keyHash();
                try {
                    BigInteger field = new BigInteger(1, device.getBytes(StandardCharsets.US_ASCII));
                    if (jobs.enqueue(RegisterDeviceHandler.job(device, field, hash), now).created()) {
                        enqueued.add(device);
                    }
                } catch (JobException e) {
                    LOG.warnf("%s: device %s is not registered on chain: %s", e.code(), device, e.getMessage());
                    refused.add(device);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading lot devices failed: " + e.getMessage(), e);
        }
        return new Sweep(enqueued, refused);
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
