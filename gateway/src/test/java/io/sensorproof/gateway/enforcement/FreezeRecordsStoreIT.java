package io.sensorproof.gateway.enforcement;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.sensorproof.gateway.EmbeddedPostgresTestResource;
import io.sensorproof.gateway.enforcement.PgFreezes.Freeze;
import io.sensorproof.gateway.oracle.OracleJobs;
import io.sensorproof.oracle.enforcement.FreezeLoopRules.FreezeOutcome;
import io.sensorproof.oracle.enforcement.FreezeLoopRules.FreezeState;
import io.sensorproof.oracle.chain.SignedTransaction;
import io.sensorproof.oracle.jobs.Job;
import io.sensorproof.oracle.jobs.JobStore;
import io.sensorproof.oracle.jobs.NewJob;
import io.sensorproof.oracle.jobs.kinds.FreezeHandler;
import jakarta.inject.Inject;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The freeze records (V16 {@code freezes}, ADR 030): one row per freeze job key however often a round
 * records it, a row without a job is listed for enqueueing, a SUBMITTED row moves to its job's outcome once
 * (two replicas settling the same outcome write one alert event), with the transaction and block or the
 * failure code in the row and in the alert event, a FROZEN row follows its job back to SUBMITTED when chain
 * reconciliation reopens it (with a FREEZE_CONFIRMATION_LOST event) and forward again when it re-confirms (ADR 035),
 * and a lot's freezes are read only by its parties.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresTestResource.class)
class FreezeRecordsStoreIT {
    private static final String TX = "0x" + "ab".repeat(32);
    private static final String OWNER = "freeze-records-it";

    @Inject
    DataSource dataSource;

    @Inject
    OracleJobs oracle;

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final List<String> keys = new ArrayList<>();

    @AfterEach
    void removeRows() throws SQLException {
        for (String key : keys) {
            sql("DELETE FROM freezes WHERE job_key = ?", key);
            sql("DELETE FROM oracle_jobs WHERE idempotency_key = ?", key);
        }
    }

    @Test
    void aFreezeIsRecordedOnceAndSettledOnceWithOneAlertEvent() throws Exception {
        long lot = lot();
        long alert = alert(lot);
        PgFreezes store = new PgFreezes(dataSource);
        NewJob job = freezeJob(7, List.of(List.of(claim(1), claim(2))));
        Freeze first = store.record(lot, BigInteger.valueOf(7), "temperature", List.of(List.of(claim(1), claim(2))), job.idempotencyKey());
        Freeze again = store.record(lot, BigInteger.valueOf(7), "temperature", List.of(List.of(claim(1), claim(2))), job.idempotencyKey());
        assertThat(again.id()).isEqualTo(first.id());
        assertThat(store.ofLot(lot)).hasSize(1);
        assertThat(first.state()).isEqualTo(FreezeState.SUBMITTED);
        assertThat(store.unqueued()).extracting(Freeze::id).contains(first.id());
        assertThat(store.submitted()).extracting(Freeze::id).doesNotContain(first.id());

        long jobId = oracle.store().enqueue(job, Instant.now()).job().id();
        store.jobEnqueued(first.id(), jobId);
        assertThat(store.unqueued()).extracting(Freeze::id).doesNotContain(first.id());
        Freeze submitted = store.submitted().stream().filter(f -> f.id() == first.id()).findFirst().orElseThrow();
        assertThat(submitted.jobId()).hasValue(jobId);

        FreezeOutcome frozen = new FreezeOutcome(FreezeState.FROZEN, Optional.of(TX), OptionalLong.of(42), Optional.empty());
        assertThat(store.settle(submitted, frozen)).as("the first replica moves it").isTrue();
        assertThat(store.settle(submitted, frozen)).as("the second finds it moved").isFalse();
        Freeze settled = store.ofLot(lot).get(0);
        assertThat(settled.state()).isEqualTo(FreezeState.FROZEN);
        assertThat(settled.transaction()).hasValue(TX);
        assertThat(settled.block()).hasValue(42);
        assertThat(strings("SELECT type FROM alert_events WHERE alert_id = ?", alert)).containsExactly(PgFreezes.CONFIRMED_EVENT);
        assertThat(strings("SELECT alert -> 'freeze' ->> 'transaction' FROM alert_events WHERE alert_id = ?", alert))
                .containsExactly(TX);
        assertThat(strings("SELECT alert -> 'freeze' -> 'runs' ->> 0 FROM alert_events WHERE alert_id = ?", alert).get(0))
                .contains(claim(1), claim(2));
    }

    @Test
    void aFailedFreezeKeepsTheCodeAndTellsTheAlert() throws Exception {
        long lot = lot();
        long alert = alert(lot);
        PgFreezes store = new PgFreezes(dataSource);
        NewJob job = freezeJob(8, List.of(List.of(claim(3))));
        Freeze f = store.record(lot, BigInteger.valueOf(8), "temperature", List.of(List.of(claim(3))), job.idempotencyKey());
        store.jobEnqueued(f.id(), oracle.store().enqueue(job, Instant.now()).job().id());
        Freeze submitted = store.byKey(job.idempotencyKey()).orElseThrow();
        assertThat(store.settle(submitted, new FreezeOutcome(FreezeState.SUBMITTED, Optional.empty(), OptionalLong.empty(),
                Optional.empty()))).as("a job on its way changes nothing").isFalse();
        assertThat(store.settle(submitted, new FreezeOutcome(FreezeState.FAILED, Optional.empty(), OptionalLong.empty(),
                Optional.of("REVERTED:EvidenceStale")))).isTrue();
        Freeze failed = store.byKey(job.idempotencyKey()).orElseThrow();
        assertThat(failed.state()).isEqualTo(FreezeState.FAILED);
        assertThat(failed.failureCode()).hasValue("REVERTED:EvidenceStale");
        assertThat(strings("SELECT type FROM alert_events WHERE alert_id = ?", alert)).containsExactly(PgFreezes.FAILED_EVENT);
        assertThat(strings("SELECT alert -> 'freeze' ->> 'failureCode' FROM alert_events WHERE alert_id = ?", alert))
                .containsExactly("REVERTED:EvidenceStale");
    }

    @Test
    void aFrozenFreezeFollowsItsJobBackWhenReconciliationReopensItAndForwardWhenItConfirmsAgain() throws Exception {
        long lot = lot();
        long alert = alert(lot);
        PgFreezes store = new PgFreezes(dataSource);
        FreezeFollower follower = new FreezeFollower(store);
        JobStore js = oracle.store();
        NewJob job = freezeJob(11, List.of(List.of(claim(5))));
        Freeze f = store.record(lot, BigInteger.valueOf(11), "temperature", List.of(List.of(claim(5))), job.idempotencyKey());
        long jobId = js.enqueue(job, Instant.now()).job().id();
        store.jobEnqueued(f.id(), jobId);
        // the runner: signed, mined and confirmed in block 42
        String account = "0x" + (run.replaceAll("[^0-9a-f]", "0") + "11").repeat(4).substring(0, 40);
        claimed(js, jobId);
        js.recordSigned(jobId, OWNER, account, nonce -> new SignedTransaction(account, nonce, "0x01", TX), Instant.now());
        js.confirm(jobId, OWNER, 42, "0x" + "42".repeat(32), 1, "{}", Instant.now());
        assertThat(follower.follow(js)).extracting(FreezeFollower.Move::to).containsExactly(FreezeState.FROZEN);
        assertThat(store.byKey(job.idempotencyKey()).orElseThrow().block()).hasValue(42);

        // the local chain lost block 42: start-up reconciliation reopens the job (JobRunner.reconcile)
        js.reopenSubmitted(jobId, Instant.now());
        assertThat(follower.follow(js)).extracting(FreezeFollower.Move::to).containsExactly(FreezeState.SUBMITTED);
        Freeze back = store.byKey(job.idempotencyKey()).orElseThrow();
        assertThat(back.state()).isEqualTo(FreezeState.SUBMITTED);
        assertThat(back.transaction()).isEmpty();
        assertThat(back.block()).isEmpty();
        assertThat(strings("SELECT type FROM alert_events WHERE alert_id = ? ORDER BY id", alert))
                .containsExactly(PgFreezes.CONFIRMED_EVENT, PgFreezes.CONFIRMATION_LOST_EVENT);
        assertThat(strings("SELECT alert -> 'freeze' ->> 'lostTransaction' FROM alert_events WHERE alert_id = ? AND type = '"
                + PgFreezes.CONFIRMATION_LOST_EVENT + "'", alert)).containsExactly(TX);
        assertThat(strings("SELECT alert -> 'freeze' ->> 'lostBlock' FROM alert_events WHERE alert_id = ? AND type = '"
                + PgFreezes.CONFIRMATION_LOST_EVENT + "'", alert)).containsExactly("42");
        assertThat(follower.follow(js)).as("while the job is on its way, nothing moves").isEmpty();

        // the same signed transaction is mined again, in block 45
        claimed(js, jobId);
        js.confirm(jobId, OWNER, 45, "0x" + "45".repeat(32), 1, "{}", Instant.now());
        assertThat(follower.follow(js)).extracting(FreezeFollower.Move::to).containsExactly(FreezeState.FROZEN);
        Freeze again = store.byKey(job.idempotencyKey()).orElseThrow();
        assertThat(again.state()).isEqualTo(FreezeState.FROZEN);
        assertThat(again.transaction()).hasValue(TX);
        assertThat(again.block()).hasValue(45);
        assertThat(strings("SELECT type FROM alert_events WHERE alert_id = ? ORDER BY id", alert))
                .containsExactly(PgFreezes.CONFIRMED_EVENT, PgFreezes.CONFIRMATION_LOST_EVENT, PgFreezes.CONFIRMED_EVENT);
        assertThat(follower.follow(js)).isEmpty();
    }

    @Test
    void aLotsFreezesAreVisibleToItsPartiesOnly() throws Exception {
        long lot = lot();
        PgFreezes store = new PgFreezes(dataSource);
        assertThat(store.lotVisible(lot, Optional.of("f-" + run))).isTrue();
        assertThat(store.lotVisible(lot, Optional.of("b-" + run))).isTrue();
        assertThat(store.lotVisible(lot, Optional.empty())).isTrue();
        assertThat(store.lotVisible(lot, Optional.of("someone-else"))).isFalse();
        assertThat(store.lotVisible(Long.MAX_VALUE, Optional.empty())).isFalse();
    }

    private static Job claimed(JobStore js, long id) {
        for (Job j : js.claimDue(OWNER, Instant.now(), 1000, Duration.ofSeconds(5))) {
            if (j.id() == id) {
                return j;
            }
        }
        throw new AssertionError("job " + id + " is not due");
    }

    private NewJob freezeJob(long facility, List<List<String>> runs) {
        NewJob job = FreezeHandler.job(BigInteger.valueOf(facility), 1, runs);
        keys.add(job.idempotencyKey());
        return job;
    }

    private String claim(int n) {
        String hex = Integer.toHexString(n) + run.replaceAll("[^0-9a-f]", "0");
        return "0x" + "0".repeat(64 - hex.length()) + hex;
    }

    private long lot() throws SQLException {
        sql("INSERT INTO tenants (id, name) VALUES (?, 'factory'), (?, 'bank')", "f-" + run, "b-" + run);
        sql("INSERT INTO sites (tenant_id, site_id, name) VALUES (?, 'site', 'site')", "f-" + run);
        sql("INSERT INTO devices (tenant_id, device_id, kid, spki, alg, status, site_id) VALUES (?, ?, decode(md5(?), 'hex'),"
                + " decode('3000', 'hex'), 'ES256', 'ACTIVE', 'site')", "f-" + run, "d-" + run, "d-" + run);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO lots (factory_tenant_id, site_id, bank_tenant_id, name) VALUES (?, 'site', ?, 'lot') RETURNING id")) {
            ps.setString(1, "f-" + run);
            ps.setString(2, "b-" + run);
            try (ResultSet r = ps.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    private long alert(long lot) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO collateral_alerts (lot_id, device_id, quantity, rule, state, opened_at, opened_by, updated_at)"
                        + " VALUES (?, ?, 'temperature', 'EXCURSION', 'OPEN', now(), 'test', now()) RETURNING id")) {
            ps.setLong(1, lot);
            ps.setString(2, "d-" + run);
            try (ResultSet r = ps.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    private List<String> strings(String sql, long id) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            List<String> out = new ArrayList<>();
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) {
                    out.add(r.getString(1));
                }
            }
            return out;
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
