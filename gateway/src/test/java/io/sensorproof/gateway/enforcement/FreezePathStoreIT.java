package io.sensorproof.gateway.enforcement;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.sensorproof.gateway.EmbeddedPostgresTestResource;
import io.sensorproof.gateway.oracle.OracleJobs;
import io.sensorproof.oracle.enforcement.DeviceEvidence;
import io.sensorproof.oracle.enforcement.FreezeEnforcement;
import io.sensorproof.oracle.enforcement.FreezeStep;
import io.sensorproof.oracle.enforcement.PlannedClaim;
import io.sensorproof.oracle.jobs.Job;
import io.sensorproof.oracle.jobs.kinds.RegisterDeviceHandler;
import io.sensorproof.oracle.jobs.kinds.RunClaimHandler;
import io.sensorproof.oracle.planning.AccountedMessages;
import io.sensorproof.oracle.planning.RunClaimPlanner;
import io.sensorproof.oracle.planning.RunTerms;
import io.sensorproof.oracle.planning.SettlementRule;
import io.sensorproof.oracle.planning.StoredReading;
import io.sensorproof.zk.claims.CommittedReading;
import jakarta.inject.Inject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The freeze path's PostgreSQL side (V16): devices of open lots get one register-device job each (and a
 * device whose kid is not its SPKI's hash none), run claims are stored once in chain order, get their
 * jobs after a "crash" between storing and enqueueing, and are marked anchored by their job's result or
 * by a job that found them on chain already.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresTestResource.class)
class FreezePathStoreIT {
    private static final long T0 = 1_800_000_000_000L;
    private static final long MINUTE = 60_000;
    private static final RunTerms TERMS = new RunTerms(CommittedReading.TEMPERATURE, 27_315, 28_115, 90_000, 30 * MINUTE,
            MINUTE, 60 * MINUTE);

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    DataSource dataSource;

    @Inject
    OracleJobs oracle;

    @Inject
    FreezePathRuntime runtime;

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final List<String> devices = new ArrayList<>();

    @AfterEach
    void removeJobs() throws SQLException {
        // other test classes in this JVM run job runners over the same table: leave no job of ours behind
        sql("DELETE FROM run_claims WHERE device_id LIKE ?", "%" + run);
        sql("DELETE FROM oracle_jobs WHERE kind IN ('register-device', 'run-claim') AND payload::text LIKE ?", "%" + run + "%");
        sql("DELETE FROM oracle_jobs WHERE kind = 'run-claim' AND idempotency_key IN (SELECT 'run-claim:' || claim_id FROM run_claims)");
    }

    @Test
    void devicesOfOpenLotsGetOneRegistrationEachAndAForeignKeyNone() throws Exception {
        long lot = lot();
        String good = device(lot, true);
        String forged = device(lot, false);
        runtime.sweep();
        runtime.sweep();
        List<Job> jobs = registrationsOf(good);
        assertThat(jobs).hasSize(1);
        assertThat(jobs.get(0).idempotencyKey()).isEqualTo(
                RegisterDeviceHandler.job(good, field(good), sha256(spki(good))).idempotencyKey());
        assertThat(registrationsOf(forged)).isEmpty();
        DeviceRegistrations.Sweep again = new DeviceRegistrations(dataSource, oracle.store()).sweep(Instant.now());
        assertThat(again.enqueued()).doesNotContain(good, forged);
        assertThat(again.refused()).contains(forged);
    }

    @Test
    void runClaimsAreStoredOnceInChainOrderAndGetTheirJobsAfterACrash() throws Exception {
        long lot = lot();
        String device = device(lot, true);
        BigInteger f = field(device);
        FreezeEnforcement enforcement = new FreezeEnforcement(new RunClaimPlanner(new SettlementRule(Duration.ofMinutes(10))));
        PgRunClaims claims = new PgRunClaims(dataSource);
        PgRunClaims.RunKey key = new PgRunClaims.RunKey(lot, device, "temperature", Instant.ofEpochMilli(T0 + MINUTE));

        List<StoredReading> early = readings(f, 18);
        FreezeStep first = enforcement.step(BigInteger.ONE, List.of(f), TERMS, 1, 0, T0 + 20 * MINUTE,
                Map.of(f, evidence(early, List.of())));
        assertThat(claims.store(key, first.newClaims().get(f))).isEqualTo(1);
        assertThat(claims.store(key, first.newClaims().get(f))).isZero();
        List<PlannedClaim> prior = claims.prior(key);
        assertThat(prior).extracting(PlannedClaim::claimId).containsExactly(first.newClaims().get(f).get(0).claimId());
        assertThat(prior.get(0).keys()).isEqualTo(first.newClaims().get(f).get(0).chunk().keys());
        assertThat(prior.get(0).anchored()).isFalse();

        List<StoredReading> full = readings(f, 33);
        FreezeStep second = enforcement.step(BigInteger.ONE, List.of(f), TERMS, 1, 0, T0 + 35 * MINUTE,
                Map.of(f, evidence(full, prior)));
        List<FreezeStep.NewClaim> more = second.newClaims().get(f);
        assertThat(more).isNotEmpty();
        assertThat(claims.store(key, more)).isEqualTo(more.size());
        List<String> chain = new ArrayList<>(List.of(prior.get(0).claimId()));
        more.forEach(c -> chain.add(c.claimId()));
        assertThat(claims.prior(key)).extracting(PlannedClaim::claimId).containsExactlyElementsOf(chain);
        // the next look with everything handed back plans nothing new
        assertThat(enforcement.step(BigInteger.ONE, List.of(f), TERMS, 1, 0, T0 + 35 * MINUTE,
                Map.of(f, evidence(full, claims.prior(key)))).newClaims()).isEmpty();

        // stored, never enqueued (a crash in between): the sweep enqueues each claim's job from its row
        runtime.sweep();
        for (FreezeStep.NewClaim c : more) {
            Job job = oracle.store().findByKey("run-claim:" + c.claimId()).orElseThrow();
            assertThat(JSON.readTree(job.payload())).isEqualTo(JSON.readTree(c.job().payload()));
        }
        assertThat(claims.unqueued(1000)).extracting(PgRunClaims.Unqueued::claimId).doesNotContainAnyElementsOf(chain);

        // anchored by its own job's result, or found on chain already
        claims.anchored(chain.get(0), "0x" + "ab".repeat(32), 12);
        Job second0 = oracle.store().findByKey("run-claim:" + chain.get(1)).orElseThrow();
        // as the runner leaves a job whose estimate reverted with ClaimAlreadyAnchored (nothing sent)
        sql("UPDATE oracle_jobs SET state = 'FAILED', failure_code = ?, failure_message = 'on chain' WHERE idempotency_key = ?",
                RunClaimHandler.ALREADY_ANCHORED, second0.idempotencyKey());
        assertThat(claims.anchoredByOthers()).isGreaterThanOrEqualTo(1);
        assertThat(claims.prior(key)).extracting(PlannedClaim::anchored).startsWith(true, true);
        if (chain.size() > 2) {
            assertThat(claims.prior(key).get(2).anchored()).isFalse();
        }
    }

    private List<Job> registrationsOf(String device) {
        return oracle.store().findByKey(RegisterDeviceHandler.job(device, field(device), sha256(spki(device))).idempotencyKey())
                .stream().toList();
    }

    private static List<StoredReading> readings(BigInteger device, int count) {
        List<StoredReading> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long time = T0 + i * MINUTE;
            out.add(new StoredReading(new CommittedReading(device, 1, i, 0, CommittedReading.TEMPERATURE, time,
                    i == 0 ? 27_815 : 29_015), time + 2_000));
        }
        return out;
    }

    private static DeviceEvidence evidence(List<StoredReading> readings, List<PlannedClaim> prior) {
        return new DeviceEvidence(readings, AccountedMessages.of(readings.stream().map(StoredReading::message).distinct().toList()),
                prior);
    }

    private long lot() throws SQLException {
        sql("INSERT INTO tenants (id, name) VALUES (?, 'factory'), (?, 'bank')", "f-" + run, "b-" + run);
        sql("INSERT INTO sites (tenant_id, site_id, name) VALUES (?, 'site', 'site')", "f-" + run);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO lots (factory_tenant_id, site_id, bank_tenant_id, name) VALUES (?, 'site', ?, 'lot') RETURNING id")) {
            ps.setString(1, "f-" + run);
            ps.setString(2, "b-" + run);
            try (var r = ps.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    /** A device of the lot whose kid is (or, when {@code honest} is false, is not) its SPKI's hash. */
    private String device(long lot, boolean honest) throws SQLException {
        String id = "d" + devices.size() + "-" + run;
        devices.add(id);
        byte[] kid = Arrays.copyOf(sha256(spki(id)), 16);
        if (!honest) {
            kid[0] ^= 1;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO devices (tenant_id, device_id, kid, spki, alg, status, site_id) VALUES (?, ?, ?, ?, 'ES256', 'ACTIVE', 'site')")) {
            ps.setString(1, "f-" + run);
            ps.setString(2, id);
            ps.setBytes(3, kid);
            ps.setBytes(4, spki(id));
            ps.executeUpdate();
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO lot_devices (lot_id, device_id) VALUES (?, ?)")) {
            ps.setLong(1, lot);
            ps.setString(2, id);
            ps.executeUpdate();
        }
        return id;
    }

    private static byte[] spki(String device) {
        return ("spki of " + device).getBytes(StandardCharsets.US_ASCII);
    }

    private static BigInteger field(String device) {
        return new BigInteger(1, device.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void sql(String sql, String... args) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }
}
