package io.sensorproof.gateway.enforcement;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.sensorproof.gateway.EmbeddedPostgresTestResource;
import io.sensorproof.gateway.core.lots.ChainFacilityMatch.ChainWatch;
import io.sensorproof.gateway.enforcement.PgFreezes.Freeze;
import io.sensorproof.gateway.enforcement.PgFreezes.LinkedLot;
import io.sensorproof.gateway.oracle.OracleJobs;
import io.sensorproof.oracle.enforcement.FreezeLoopRules.FreezeState;
import io.sensorproof.oracle.jobs.Job;
import io.sensorproof.oracle.jobs.JobFailure;
import io.sensorproof.oracle.jobs.JobStore;
import io.sensorproof.protocol.ids.Identifiers;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.protocol.senml.Reading;
import jakarta.inject.Inject;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The freeze loop after a refused freeze (ADR 035), on the embedded PostgreSQL with the loop's own rounds
 * ({@link FreezeLoop#watch}, {@link FreezeLoop#followSubmitted}); the chain's part is played through the job store
 * as the runner would record it (run-claim jobs confirmed: their claims ANCHORED; the freeze job FAILED with the
 * decoded revert), since what is tested is what the loop plans next, not the contract. A device's excursion
 * reaches its target, its freeze is refused ({@code REVERTED:EvidenceStale}); the device's later excursion is
 * planned as a run of its own and a second freeze is recorded and enqueued with its claims, a new key, while the
 * refused one stays FAILED and is never sent again.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresTestResource.class)
class FreezeLoopRefusalIT {
    private static final long MINUTE = 60_000;
    private static final BigInteger FACILITY = BigInteger.valueOf(9_001);

    @Inject
    DataSource dataSource;
    @Inject
    OracleJobs oracle;
    @Inject
    FreezeLoop loop;

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String device = "fl-" + run;
    private long seq;

    @AfterEach
    void removeRows() throws SQLException {
        // no job of ours may stay due for another test class's runner
        sql("DELETE FROM freezes WHERE lot_id IN (SELECT id FROM lots WHERE factory_tenant_id = ?)", "f-" + run);
        List<Long> jobs = longs("SELECT job_id FROM run_claims WHERE device_id = ? AND job_id IS NOT NULL", device);
        sql("DELETE FROM run_claims WHERE device_id = ?", device);
        for (long job : jobs) {
            sql("DELETE FROM oracle_jobs WHERE id = ?", job);
        }
        sql("DELETE FROM oracle_jobs WHERE idempotency_key LIKE ?", "freeze:" + FACILITY + ":%");
    }

    @Test
    void aLaterExcursionOfADeviceIsFrozenAfterItsRefusedOne() throws Exception {
        loop.useStores(Duration.ZERO);
        long lotId = lot();
        LinkedLot lot = new LinkedLot(lotId, FACILITY);
        long now = Instant.now().toEpochMilli();
        // 2–8 °C, 3 minutes out of range, readings a minute apart (gap up to 90 s), fresh for an hour, one device
        ChainWatch watch = new ChainWatch(Quantity.TEMPERATURE.code(), fixed(2.0), fixed(8.0), BigInteger.valueOf(3 * MINUTE),
                BigInteger.valueOf(90_000), BigInteger.valueOf(MINUTE), BigInteger.valueOf(60 * MINUTE), 1);
        List<BigInteger> devices = List.of(Identifiers.deviceField(device));

        // the first excursion: 5 minutes out of range, then back in range
        long first = now - 40 * MINUTE;
        readings(first - MINUTE, 5.0, 1);
        readings(first, 12.0, 5);
        readings(first + 5 * MINUTE, 5.0, 3);
        Freeze refused = freezeAfterAnchoring(lot, watch, devices, now, List.of());
        assertThat(refused.runs()).hasSize(1);

        // the contract refuses it: the runner records the decoded reason, the loop's round follows the job
        JobStore js = oracle.store();
        Job job = claimed(js, refused.jobId().orElseThrow());
        js.fail(job.id(), "test-runner", new JobFailure("REVERTED:EvidenceStale", "EvidenceStale(device, lastTime, now, maxAge)"),
                Instant.now());
        loop.followSubmitted();
        assertThat(freezes(lotId)).extracting(Freeze::state).containsExactly(FreezeState.FAILED);

        // a later excursion of the same device
        long second = now - 12 * MINUTE;
        readings(second, 11.0, 6);
        Freeze later = freezeAfterAnchoring(lot, watch, devices, now, List.of(refused.id()));
        assertThat(later.id()).isNotEqualTo(refused.id());
        assertThat(later.jobKey()).isNotEqualTo(refused.jobKey());
        assertThat(later.state()).isEqualTo(FreezeState.SUBMITTED);
        assertThat(later.jobId()).as("enqueued").isPresent();
        assertThat(later.runs().get(0)).doesNotContainAnyElementsOf(refused.runs().get(0));
        assertThat(longs("SELECT (extract(epoch FROM min(run_first_time)) * 1000)::bigint FROM run_claims WHERE claim_id = ANY (?)",
                (Object) later.runs().get(0).toArray(String[]::new))).as("the later excursion's run").containsExactly(second);

        // the refused freeze is never sent again: another round adds nothing
        loop.watch(lot, devices, watch, 0, now);
        assertThat(freezes(lotId)).extracting(Freeze::id).containsExactly(refused.id(), later.id());
        assertThat(freezes(lotId).get(0).state()).isEqualTo(FreezeState.FAILED);
    }

    /**
     * Rounds until the loop records a freeze not in {@code known}: each round's new run claims are anchored as their
     * confirmed jobs would (the loop sends a freeze only once every claim of its chain is anchored).
     */
    private Freeze freezeAfterAnchoring(LinkedLot lot, ChainWatch watch, List<BigInteger> devices, long now, List<Long> known)
            throws SQLException {
        for (int round = 0; round < 6; round++) {
            loop.watch(lot, devices, watch, 0, now);
            List<Freeze> fresh = freezes(lot.lotId()).stream().filter(f -> !known.contains(f.id())).toList();
            if (!fresh.isEmpty()) {
                assertThat(fresh).hasSize(1);
                return fresh.get(0);
            }
            sql("UPDATE run_claims SET state = 'ANCHORED', anchor_tx_hash = ?, anchor_block = 1, anchored_at = now()"
                    + " WHERE device_id = ? AND state = 'PLANNED'", "0x" + "ab".repeat(32), device);
        }
        throw new AssertionError("no new freeze after 6 rounds; run claims: "
                + longs("SELECT count(*) FROM run_claims WHERE device_id = ?", device));
    }

    private List<Freeze> freezes(long lotId) {
        return new PgFreezes(dataSource).ofLot(lotId);
    }

    private Job claimed(JobStore js, long id) {
        for (Job j : js.claimDue("test-runner", Instant.now(), 1000, Duration.ofSeconds(5))) {
            if (j.id() == id) {
                return j;
            }
        }
        throw new AssertionError("job " + id + " is not due");
    }

    private static BigInteger fixed(double celsius) {
        return BigInteger.valueOf(new Reading(Quantity.TEMPERATURE, celsius, 0).fixedValue());
    }

    /** {@code count} messages of one temperature reading each, a minute apart from {@code from}, received 2 s after. */
    private void readings(long from, double celsius, int count) throws SQLException {
        for (int i = 0; i < count; i++) {
            long time = from + i * MINUTE;
            long s = seq++;
            Timestamp received = new Timestamp(time + 2_000);
            sql("INSERT INTO messages (device_id, boot, seq, content_digest, raw, received_at, record_count)"
                    + " VALUES (?, 1, ?, decode(md5(?), 'hex'), decode('a0', 'hex'), ?, 1)", device, s, device + s, received);
            sql("INSERT INTO readings (device_id, boot, seq, record_index, quantity, value, reading_time, received_at)"
                    + " VALUES (?, 1, ?, 0, ?, ?, ?, ?)", device, s, Quantity.TEMPERATURE.code(),
                    new Reading(Quantity.TEMPERATURE, celsius, time).fixedValue(), new Timestamp(time), received);
        }
    }

    private long lot() throws SQLException {
        sql("INSERT INTO tenants (id, name) VALUES (?, 'factory'), (?, 'bank')", "f-" + run, "b-" + run);
        sql("INSERT INTO sites (tenant_id, site_id, name) VALUES (?, 'site', 'site')", "f-" + run);
        sql("INSERT INTO devices (tenant_id, device_id, kid, spki, alg, status, site_id) VALUES (?, ?, decode(md5(?), 'hex'),"
                + " decode('3000', 'hex'), 'ES256', 'ACTIVE', 'site')", "f-" + run, device, device);
        return longs("INSERT INTO lots (factory_tenant_id, site_id, bank_tenant_id, name) VALUES (?, 'site', ?, 'lot') RETURNING id",
                "f-" + run, "b-" + run).get(0);
    }

    private List<Long> longs(String sql, Object... args) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(c, ps, args);
            List<Long> out = new ArrayList<>();
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) {
                    out.add(r.getLong(1));
                }
            }
            return out;
        }
    }

    private void sql(String sql, Object... args) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(c, ps, args);
            ps.executeUpdate();
        }
    }

    private static void bind(Connection c, PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            if (args[i] instanceof String[] a) {
                ps.setArray(i + 1, c.createArrayOf("text", a));
            } else {
                ps.setObject(i + 1, args[i]);
            }
        }
    }
}
